using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pytheus.Tests.Shared;

/// <summary>
/// A real redis-server on a free loopback port with its own temporary directory (by default AOF persistence on, fsync
/// always, so a killed server restarts with every acknowledged write). DEBUG and protected configs (<c>dir</c>) are
/// enabled so that tests can inject faults. Killed and its directory deleted on dispose.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private const string ServerPath = "/usr/bin/redis-server";
    private readonly string _directory = Directory.CreateTempSubdirectory("pytheus-redis-").FullName;
    private readonly bool _persistent;
    private readonly string[] _extraArguments;
    private Process? _process;

    public RedisServer()
        : this(persistent: true, [])
    {
    }

    private RedisServer(bool persistent, string[] extraArguments)
    {
        _persistent = persistent;
        _extraArguments = extraArguments;
        // A free port can be taken by another test's server between FreePort() and redis-server's bind (fixtures start in
        // parallel): then that server would answer for this one. Start checks that the answer is ours; if not, another port.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            try
            {
                Start();
                return;
            }
            catch (PortTakenException) when (attempt < 5)
            {
            }
        }
    }

    /// <summary>Starts a server of the test's own.</summary>
    /// <param name="persistent">AOF with fsync always (a restart keeps every acknowledged write); false: nothing survives a restart.</param>
    /// <param name="extraArguments">More <c>--option value</c> arguments for redis-server.</param>
    public static RedisServer Create(bool persistent = true, params string[] extraArguments) => new(persistent, extraArguments);

    public int Port { get; private set; }

    /// <summary>Whether the server process is running (not killed, not exited).</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The server's working directory (where it saves).</summary>
    public string DataDirectory => _directory;

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
            "--appendonly", _persistent ? "yes" : "no", "--appendfsync", "always", "--save", "", "--daemonize", "no",
            "--protected-mode", "no", "--loglevel", "warning", "--enable-debug-command", "yes", "--enable-protected-configs", "yes",
            "--repl-diskless-sync-delay", "0",
        }.Concat(_extraArguments))
        {
            info.ArgumentList.Add(arg);
        }
        _process?.Dispose();
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (!Ping())
        {
            if (_process.HasExited)
            {
                throw new PortTakenException($"redis-server on port {Port} exited before answering (port taken?)");
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not start");
            }
            Thread.Sleep(20);
        }
        if (!Command("INFO", "server").Contains($"process_id:{_process.Id}\r", StringComparison.Ordinal))
        {
            Kill();
            throw new PortTakenException($"port {Port} is answered by another redis-server than the one started");
        }
    }

    private sealed class PortTakenException(string message) : Exception(message);

    /// <summary>SIGKILLs the server (no shutdown save: only what the AOF already holds survives).</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    /// <summary>Makes this server a replica of <paramref name="primary"/> and waits until the link is up and synced.</summary>
    public void ReplicaOf(RedisServer primary)
    {
        Command("REPLICAOF", "127.0.0.1", primary.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)).ShouldBe("+OK");
        WaitFor(() => Command("INFO", "replication").Contains("master_link_status:up", StringComparison.Ordinal), "replication link up");
    }

    /// <summary>Makes this server a primary again (<c>REPLICAOF NO ONE</c>).</summary>
    public void Promote() => Command("REPLICAOF", "NO", "ONE").ShouldBe("+OK");

    /// <summary>Polls <paramref name="condition"/> (bounded) and fails naming <paramref name="what"/>.</summary>
    public static void WaitFor(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new InvalidOperationException($"timed out waiting for {what}");
            }
            Thread.Sleep(20);
        }
    }

    /// <summary>Sends one command with redis-cli-like simplicity and returns the raw reply line.</summary>
    public string Command(params string[] parts) => CommandAt(Port, parts);

    /// <summary>Sends one command to whatever listens on <paramref name="port"/> (a server, a sentinel) and returns the raw reply.</summary>
    public static string CommandAt(int port, params string[] parts)
    {
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, port);
        using var stream = client.GetStream();
        var request = new StringBuilder().Append('*').Append(parts.Length).Append("\r\n");
        foreach (var part in parts)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }
        var bytes = Encoding.UTF8.GetBytes(request.ToString());
        stream.Write(bytes);
        var buffer = new byte[256 * 1024];
        var read = stream.Read(buffer);
        // A bulk reply may come in several reads: read until the announced length has arrived.
        if (read > 0 && buffer[0] == (byte)'$' && Array.IndexOf(buffer, (byte)'\n', 0, read) is var end and > 0
            && int.TryParse(Encoding.ASCII.GetString(buffer, 1, end - 2), out var length) && length >= 0)
        {
            while (read < end + 1 + length + 2)
            {
                read += stream.Read(buffer, read, buffer.Length - read);
            }
        }
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
