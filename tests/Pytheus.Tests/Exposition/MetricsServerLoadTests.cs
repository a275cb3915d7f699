using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Exposition;

/// <summary>
/// <see cref="MetricsServer"/> under many concurrent and slow clients on loopback. Bounded in count; the assertions are
/// on counts, bytes and completion, never on durations.
/// </summary>
[Collection(nameof(MetricsServerLoadTests))]
[CollectionDefinition(nameof(MetricsServerLoadTests), DisableParallelization = true)]
public sealed class MetricsServerLoadTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly HttpClient _client = new(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None, MaxConnectionsPerServer = 256 })
    {
        Timeout = Patience,
    };

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Concurrent_requests_share_one_collection()
    {
        const int clients = 24;
        var registry = new CollectorRegistry();
        var gated = new GatedCollector();
        registry.Register(gated);
        using var server = MetricsServerTests.StartOnFreePort(new MetricsServerOptions { Registry = registry, MaxConcurrentRequests = clients });
        var before = server.Statistics.Collections;
        gated.Close();

        var requests = Enumerable.Range(0, clients).Select(_ => _client.GetStringAsync(server.Url)).ToArray();
        await WaitUntil(() => server.Statistics.AwaitingCollection == clients);
        gated.Open();
        var bodies = await Task.WhenAll(requests);

        (server.Statistics.Collections - before).ShouldBe(1);
        gated.Collections.ShouldBe(1);
        bodies.Distinct().ShouldHaveSingleItem().ShouldContain("gated_total 1\n");
    }

    [Fact]
    public async Task Requests_beyond_the_queue_are_refused_at_once_and_the_admitted_ones_are_served()
    {
        var registry = new CollectorRegistry();
        var gated = new GatedCollector();
        registry.Register(gated);
        using var server = MetricsServerTests.StartOnFreePort(new MetricsServerOptions
        {
            Registry = registry, MaxConcurrentRequests = 1, MaxQueuedRequests = 2,
        });
        gated.Close();

        var admitted = Enumerable.Range(0, 3).Select(_ => _client.GetAsync(server.Url)).ToArray();
        await WaitUntil(() => server.Statistics.Admitted == 3);
        using var refused = await _client.GetAsync(server.Url);
        gated.Open();
        var served = await Task.WhenAll(admitted);

        refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        refused.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1));
        (await refused.Content.ReadAsStringAsync()).ShouldBe("Metrics are unavailable: too many concurrent scrapes.\n");
        served.Select(r => r.StatusCode).ShouldAllBe(s => s == HttpStatusCode.OK);
        server.Statistics.Rejected.ShouldBe(1);
        server.Statistics.PeakConcurrentResponses.ShouldBe(1);
        foreach (var response in served)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Slow_readers_are_disconnected_while_every_fast_client_gets_the_whole_body_within_the_slot_limit()
    {
        const int slowClients = 4;
        const int fastClients = 12;
        const int slots = 2;
        var registry = LargeRegistry(out var expected);
        using var server = MetricsServerTests.StartOnFreePort(new MetricsServerOptions
        {
            Registry = registry, MaxConcurrentRequests = slots, MaxQueuedRequests = slowClients + fastClients,
            ResponseTimeout = TimeSpan.FromSeconds(2),
        });

        // Slow readers: a tiny receive window, a request, and never a read — the server's writes stall on them.
        var slow = new List<Socket>();
        for (var i = 0; i < slowClients; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 1024 };
            await socket.ConnectAsync(IPAddress.Loopback, server.Url.Port);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {server.Url.AbsolutePath} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            slow.Add(socket);
        }
        await WaitUntil(() => server.Statistics.Admitted == slowClients);
        var fast = Enumerable.Range(0, fastClients).Select(_ => _client.GetByteArrayAsync(server.Url)).ToArray();
        var bodies = await Task.WhenAll(fast);
        await WaitUntil(() => server.Statistics.TimedOut == slowClients, server);

        bodies.ShouldAllBe(b => b.Length == expected.Length);
        bodies.ShouldAllBe(b => b.SequenceEqual(expected));
        var statistics = server.Statistics;
        statistics.PeakConcurrentResponses.ShouldBeLessThanOrEqualTo(slots);
        statistics.TimedOut.ShouldBe(slowClients);
        statistics.Rejected.ShouldBe(0);
        foreach (var socket in slow)
        {
            // Each slow client got less than the body, then the end of the connection.
            (await DrainAsync(socket)).ShouldBeLessThan(expected.Length);
            socket.Dispose();
        }
        // The server is idle again and still serves.
        await WaitUntil(() => server.Statistics.Admitted == 0, server);
        (await _client.GetByteArrayAsync(server.Url)).Length.ShouldBe(expected.Length);
    }

    // ~8 MiB of text: more than loopback's socket buffers take in, so a client that does not read stalls the writer.
    private static CollectorRegistry LargeRegistry(out byte[] expected)
    {
        var registry = new CollectorRegistry();
        var counter = new Counter("load_total", "Load", ["series"], registry: registry, seriesLimit: 20_000);
        var padding = new string('x', 400);
        for (var i = 0; i < 20_000; i++)
        {
            counter.Labels(("series", $"{i:D5}{padding}")).Inc(i);
        }
        expected = Encoding.UTF8.GetBytes(MetricsExposition.GenerateMetrics(registry));
        expected.Length.ShouldBeGreaterThan(8_000_000);
        return registry;
    }

    private static async Task<long> DrainAsync(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer).WaitAsync(Patience)) > 0)
            {
                total += read;
            }
        }
        catch (SocketException)
        {
            // Reset by the server's abort: the connection ended.
        }
        return total;
    }

    private static async Task WaitUntil(Func<bool> condition, MetricsServer? server = null)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            watch.Elapsed.ShouldBeLessThan(Patience, $"the server never reached the expected state: {server?.Statistics}");
            await Task.Delay(10);
        }
    }

    /// <summary>A custom collector whose collection waits while it is closed.</summary>
    private sealed class GatedCollector : CustomCollector
    {
        private readonly ManualResetEventSlim _open = new(true);
        private readonly Counter _counter = new("gated_total", "Gated", registry: CollectorRegistry.None);
        private int _collections;
        private bool _counting;

        public GatedCollector() => _counter.Inc();

        public int Collections => Volatile.Read(ref _collections);

        public void Close()
        {
            _open.Reset();
            _counting = true;
        }

        public void Open() => _open.Set();

        public override IEnumerable<Metric> CollectMetrics()
        {
            if (Volatile.Read(ref _counting))
            {
                Interlocked.Increment(ref _collections);
            }
            _open.Wait(Patience);
            yield return _counter;
        }
    }
}
