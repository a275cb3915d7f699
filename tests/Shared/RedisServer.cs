using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pytheus.Tests.Shared;

/// <summary>
/// A real redis-server on a free loopback port with its own temporary directory (AOF persistence on, fsync always, so a
/// killed server restarts with every acknowledged write). Killed and its directory deleted on dispose.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private const string ServerPath = "/usr/bin/redis-server";
    private readonly string _directory = Directory.CreateTempSubdirectory("pytheus-redis-").FullName;
    private Process? _process;

    public RedisServer()
    {
        Port = FreePort();
        Start();
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port},connectTimeout=5000,syncTimeout=10000,asyncTimeout=10000";

    /// <summary>Starts the server (again, after <see cref="Kill"/>) and waits until it answers PING.</summary>
    public void Start()
    {
        File.Exists(ServerPath).ShouldBeTrue($"{ServerPath} is required (apt-get install -y redis-server)");
        var info = new ProcessStartInfo(ServerPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory,
            "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no", "--protected-mode", "no",
            "--loglevel", "warning",
        })
        {
            info.ArgumentList.Add(arg);
        }
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (!Ping())
        {
            if (_process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not start");
            }
            Thread.Sleep(20);
        }
    }

    /// <summary>SIGKILLs the server (no shutdown save: only what the AOF already holds survives).</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    /// <summary>Sends one command with redis-cli-like simplicity and returns the raw reply line.</summary>
    public string Command(params string[] parts)
    {
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, Port);
        using var stream = client.GetStream();
        var request = new StringBuilder().Append('*').Append(parts.Length).Append("\r\n");
        foreach (var part in parts)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }
        var bytes = Encoding.UTF8.GetBytes(request.ToString());
        stream.Write(bytes);
        var buffer = new byte[64 * 1024];
        var read = stream.Read(buffer);
        return Encoding.UTF8.GetString(buffer, 0, read).TrimEnd('\r', '\n');
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private bool Ping()
    {
        try
        {
            return Command("PING") == "+PONG";
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One redis-server shared by the Redis test classes (each test uses its own key prefix).</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServer>
{
    public const string Name = "Redis";
}
