using System.Globalization;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Pytheus.Backends.Redis;
using Pytheus.Exposition;
using Py = Pytheus.Metrics;
using PyRegistry = Pytheus.Registry.CollectorRegistry;

namespace Pytheus.Benchmarks;

// Results: see benchmarks/README.md ("Scale"), with the machine's load during the run.

/// <summary>
/// How the Redis backend's costs grow with the number of series N (1,000 to 1,000,000), against a real local
/// redis-server: a flush of N changed series, a scrape of N series from Redis rendered as text, and prometheus-net's
/// in-process exposition of the same N series beside it. Series are counters in families of 1,000 (N / 1,000 families),
/// two labels each. One launch, one warm-up and three measured single invocations per case: at a million series one
/// invocation takes seconds. The setup scrapes (and prometheus-net exposes) 40 times first, so that the JIT's optimized
/// code is measured, as a long-running server has it (before 2026-12-02's scrape rewrite it did once: its figures
/// include unoptimized first calls). The setup also prints the memory per series, in the process (GC heap, working set) and
/// in Redis (<c>used_memory</c>), to the console and to <c>scale-memory.txt</c> in the artifacts folder.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3, invocationCount: 1)]
public class ScaleBenchmarks
{
    private const int SeriesPerFamily = 1_000;

    private LocalRedisServer? _server;
    private RedisBackend? _backend;
    private Py.Counter[] _series = [];
    private PyRegistry _registry = null!;
    private Prometheus.CollectorRegistry _prometheusNet = null!;

    [Params(1_000, 10_000, 100_000, 1_000_000)]
    public int N { get; set; }

    [GlobalSetup(Targets = [nameof(Flush_changed_series), nameof(Scrape_from_redis)])]
    public void SetupRedis()
    {
        _server = new LocalRedisServer();
        _backend = new RedisBackend(new RedisBackendOptions
        {
            ConnectionString = _server.ConnectionString + ",syncTimeout=600000,asyncTimeout=600000",
            KeyPrefix = "scale",
            FlushInterval = TimeSpan.FromHours(1),
            ScrapeTimeout = TimeSpan.FromMinutes(10),
        });
        var redisBefore = UsedMemory(_server.Port);
        var heapBefore = Heap();
        var workingSetBefore = Environment.WorkingSet;
        _registry = new PyRegistry();
        _series = new Py.Counter[N];
        for (var f = 0; f * SeriesPerFamily < N; f++)
        {
            var family = new Py.Counter($"scale_requests_{f}_total", "Requests by path and code.", ["path", "code"],
                registry: _registry, backend: _backend, seriesLimit: SeriesPerFamily);
            for (var i = 0; i < SeriesPerFamily && f * SeriesPerFamily + i < N; i++)
            {
                var series = family.WithLabelValues($"/api/v1/items/{i / 10}", (200 + i % 10).ToString(CultureInfo.InvariantCulture));
                series.Inc(i + 0.5);
                _series[f * SeriesPerFamily + i] = series;
            }
        }
        _backend.FlushAsync().GetAwaiter().GetResult();
        // The first scrape links the readers to the cells and fills their caches, as every later scrape finds them.
        WarmUp(() => Scrape_from_redis());
        var heap = Heap() - heapBefore;
        var workingSet = Environment.WorkingSet - workingSetBefore;
        var redis = UsedMemory(_server.Port) - redisBefore;
        Report($"N={N}: process {heap / (double)N:F0} B/series on the GC heap after a flush and a scrape (working set +{workingSet / (double)N:F0} B/series); " +
            $"Redis used_memory +{redis / (double)N:F0} B/series ({redis / 1048576.0:F1} MB)");
    }

    [GlobalSetup(Target = nameof(PrometheusNet_exposition))]
    public void SetupPrometheusNet()
    {
        _prometheusNet = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(_prometheusNet);
        for (var f = 0; f * SeriesPerFamily < N; f++)
        {
            var family = factory.CreateCounter($"scale_requests_{f}_total", "Requests by path and code.", "path", "code");
            for (var i = 0; i < SeriesPerFamily && f * SeriesPerFamily + i < N; i++)
            {
                family.WithLabels($"/api/v1/items/{i / 10}", (200 + i % 10).ToString(CultureInfo.InvariantCulture)).Inc(i + 0.5);
            }
        }
        WarmUp(() => PrometheusNet_exposition());
    }

    /// <summary>
    /// Runs <paramref name="run"/> until the code it calls is at the JIT's optimized tier (tiered compilation promotes a
    /// method after 30 calls, in the background): with one invocation per iteration the measured calls would otherwise
    /// be among the first, unoptimized ones, not the steady state of a server scraped every few seconds. At 1,000,000
    /// series a call takes seconds and runs its loops optimized anyway (on-stack replacement): once is enough.
    /// </summary>
    private void WarmUp(Action run)
    {
        var calls = N >= 1_000_000 ? 1 : 40;
        for (var i = 0; i < calls; i++)
        {
            run();
        }
        Thread.Sleep(500);
        run();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _backend?.Dispose();
        _server?.Dispose();
        (_backend, _server, _series) = (null, null, []);
    }

    [IterationSetup(Target = nameof(Flush_changed_series))]
    public void ChangeEverySeries()
    {
        foreach (var series in _series)
        {
            series.Inc();
        }
    }

    /// <summary>Sends N changed series to Redis and waits for the confirmation (series/s = N / this time).</summary>
    [Benchmark]
    public void Flush_changed_series() => _backend!.FlushAsync().GetAwaiter().GetResult();

    /// <summary>A scrape of N series from Redis (nothing pending to flush), rendered as Prometheus text.</summary>
    [Benchmark]
    public int Scrape_from_redis() => MetricsExposition.GenerateMetrics(_registry).Length;

    /// <summary>prometheus-net's exposition of the same N series, held in its own process memory (no Redis): the reference.</summary>
    [Benchmark]
    public long PrometheusNet_exposition()
    {
        using var buffer = new MemoryStream();
        _prometheusNet.CollectAndExportAsTextAsync(buffer).GetAwaiter().GetResult();
        return buffer.Length;
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static long UsedMemory(int port)
    {
        using var client = new TcpClient("127.0.0.1", port);
        using var stream = client.GetStream();
        stream.Write("*2\r\n$4\r\nINFO\r\n$6\r\nmemory\r\n"u8);
        var buffer = new byte[16384];
        var read = stream.Read(buffer);
        var text = Encoding.ASCII.GetString(buffer, 0, read);
        var start = text.IndexOf("used_memory:", StringComparison.Ordinal) + "used_memory:".Length;
        return long.Parse(text[start..text.IndexOf('\r', start)], CultureInfo.InvariantCulture);
    }

    private static void Report(string line)
    {
        Console.WriteLine("// " + line);
        var folder = Environment.GetEnvironmentVariable("PYTHEUS_BENCH_REPORT_DIR") ?? Path.GetTempPath();
        File.AppendAllText(Path.Combine(folder, "scale-memory.txt"), line + Environment.NewLine);
    }
}
