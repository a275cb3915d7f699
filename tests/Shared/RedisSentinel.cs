using System.Diagnostics;
using System.Globalization;

namespace Pytheus.Tests.Shared;

/// <summary>
/// A Sentinel-managed Redis on loopback: a primary, one replica and three <c>redis-sentinel</c> processes (quorum 2)
/// monitoring them as service <see cref="ServiceName"/>, each in its own temporary directory on free ports. A primary
/// that stops answering is failed over after <see cref="DownAfter"/>. Every process is killed and every directory
/// deleted on dispose — also when starting failed half-way.
/// </summary>
public sealed class RedisSentinel : IDisposable
{
    public const string ServiceName = "pytheus";

    /// <summary>How long a primary may stay silent before the sentinels agree it is down and promote its replica.</summary>
    public static readonly TimeSpan DownAfter = TimeSpan.FromMilliseconds(1000);

    private const string SentinelPath = "/usr/bin/redis-sentinel";
    private readonly List<RedisServer> _servers = [];
    private readonly List<(Process Process, int Port, string Directory)> _sentinels = [];

    public RedisSentinel()
    {
        try
        {
            // No persistence: a killed primary stays dead (the sentinels would demote it to a replica if it came back).
            var primary = RedisServer.Create(persistent: false);
            _servers.Add(primary);
            var replica = RedisServer.Create(persistent: false);
            _servers.Add(replica);
            replica.ReplicaOf(primary);
            for (var i = 0; i < 3; i++)
            {
                StartSentinel(primary.Port);
            }
            RedisServer.WaitFor(
                () => _sentinels.All(s => SentinelCommand(s.Port, "SENTINEL", "REPLICAS", ServiceName).Contains(replica.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                    && SentinelCommand(s.Port, "SENTINEL", "SENTINELS", ServiceName).Split("\r\n").Count(l => l == "name") == 2),
                "the sentinels to discover the replica and each other");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The primary and the replica, whatever their roles now.</summary>
    public IReadOnlyList<RedisServer> Servers => _servers;

    /// <summary>A StackExchange.Redis configuration naming the sentinels and the service: the client finds the primary through them.</summary>
    public string ConnectionString =>
        string.Join(',', _sentinels.Select(s => "127.0.0.1:" + s.Port.ToString(CultureInfo.InvariantCulture)))
        + $",serviceName={ServiceName},connectTimeout=5000,syncTimeout=10000,asyncTimeout=10000";

    /// <summary>The server the sentinels name as primary now (<c>SENTINEL GET-MASTER-ADDR-BY-NAME</c>).</summary>
    public RedisServer Primary
    {
        get
        {
            var reply = SentinelCommand(_sentinels[0].Port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", ServiceName).Split("\r\n");
            var port = int.Parse(reply[^1], CultureInfo.InvariantCulture);
            return _servers.Single(s => s.Port == port);
        }
    }

    /// <summary>Waits until every sentinel names <paramref name="server"/> as the primary and it serves as one.</summary>
    public void WaitForPrimary(RedisServer server) =>
        RedisServer.WaitFor(
            () => _sentinels.All(s => SentinelCommand(s.Port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", ServiceName)
                    .EndsWith("\r\n" + server.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
                && server.Command("ROLE").Contains("master", StringComparison.Ordinal),
            $"the sentinels to promote 127.0.0.1:{server.Port}");

    public void Dispose()
    {
        foreach (var (process, _, directory) in _sentinels)
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }
            process.Dispose();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        foreach (var server in _servers)
        {
            server.Dispose();
        }
    }

    private void StartSentinel(int primaryPort)
    {
        File.Exists(SentinelPath).ShouldBeTrue($"{SentinelPath} is required (apt-get install -y redis-sentinel)");
        var port = RedisServer.FreePort();
        var directory = Directory.CreateTempSubdirectory("pytheus-sentinel-").FullName;
        var config = Path.Combine(directory, "sentinel.conf");
        // The sentinel rewrites its configuration file (discovered replicas, sentinels, epochs): it must be its own.
        File.WriteAllLines(config,
        [
            $"port {port}",
            "bind 127.0.0.1",
            "protected-mode no",
            "daemonize no",
            "loglevel warning",
            $"dir {directory}",
            $"sentinel monitor {ServiceName} 127.0.0.1 {primaryPort} 2",
            $"sentinel down-after-milliseconds {ServiceName} {(int)DownAfter.TotalMilliseconds}",
            $"sentinel failover-timeout {ServiceName} 10000",
            $"sentinel parallel-syncs {ServiceName} 1",
        ]);
        var info = new ProcessStartInfo(SentinelPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(config);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _sentinels.Add((process, port, directory));
        RedisServer.WaitFor(() => !process.HasExited && TryPing(port), $"redis-sentinel on port {port}");
    }

    private static bool TryPing(int port)
    {
        try
        {
            return SentinelCommand(port, "PING") == "+PONG";
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException)
        {
            return false;
        }
    }

    private static string SentinelCommand(int port, params string[] parts) => RedisServer.CommandAt(port, parts);
}
