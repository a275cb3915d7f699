using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Pytheus.Benchmarks;

/// <summary>A throw-away <c>redis-server</c> on a free loopback port, no persistence; stopped and its directory removed on dispose.</summary>
internal sealed class LocalRedisServer : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    public LocalRedisServer()
    {
        Port = FreePort();
        _directory = Directory.CreateTempSubdirectory("pytheus-bench-redis-").FullName;
        _process = Process.Start(new ProcessStartInfo("redis-server",
            $"--port {Port} --bind 127.0.0.1 --dir {_directory} --save \"\" --appendonly no --loglevel warning")
        {
            RedirectStandardOutput = true,
        })!;
        WaitUntilListening();
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void WaitUntilListening()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(20);
            }
        }
        _process.Kill();
        throw new InvalidOperationException($"redis-server did not start on port {Port}");
    }
}
