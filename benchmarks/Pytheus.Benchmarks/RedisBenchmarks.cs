using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Prometheus;
using Pytheus.Backends.InProcess;
using Pytheus.Backends.Redis;
using Pytheus.Exposition;
using Py = Pytheus.Metrics;
using PyRegistry = Pytheus.Registry.CollectorRegistry;

namespace Pytheus.Benchmarks;

// Latest results: 2026-11-25, benchmarks/run.sh --quick, BenchmarkDotNet 0.15.8, .NET 10.0.12 X64 RyuJIT x86-64-v4,
// AMD EPYC 2.1 GHz, 2 cores shared with other jobs (Ratio = Pytheus / prometheus-net 8.2.1 in the same run).
// Redis 7.0.15 on loopback, on the same 2 cores.
//
// | Method                    | Category          | Mean               | Ratio | Allocated |
// |---------------------------|-------------------|-------------------:|------:|----------:|
// | PrometheusNet_Inc         | Counter.Inc       |           7.67 ns  |  1.00 |         - |
// | InProcess_Inc             | Counter.Inc       |           6.44 ns  |  0.84 |         - |
// | Redis_Inc                 | Counter.Inc       |           6.64 ns  |  0.87 |         - |
// | PrometheusNet_Observe     | Histogram.Observe |          15.1 ns   |  1.00 |         - |
// | InProcess_Observe         | Histogram.Observe |          15.3 ns   |  1.01 |         - |
// | Redis_Observe             | Histogram.Observe |          45.4 ns   |  3.00 |         - |
// | Redis_Flush_per_series    | Redis flush       |       3,839 ns     |     - |     245 B |  (~260,000 series/s)
// | Redis_Scrape_10000_series | Redis scrape      |      39.4 ms ±31ms |     - |   3.95 MB |
//
// 2026-12-02, run.sh --quick --filter '*RedisBenchmarks*Create*' --inProcess (load average 18-34; Ratio = Redis / in-process):
// | Method                         | Category              | Mean      | Error    | Ratio | Allocated |
// |--------------------------------|-----------------------|----------:|---------:|------:|----------:|
// | InProcess_Create_100000_series | Create 100,000 series |  700.8 ms | 607.8 ms |  1.00 |  84.93 MB |
// | Redis_Create_100000_series     | Create 100,000 series | 1,094.8 ms | 272.8 ms |  1.59 | 140.13 MB |
//
// 2026-12-02, re-measured after issue 11's second round (rollback detection, epochs unique per attempt), run.sh --quick,
// load average 14-40 on the 2 cores: times are dominated by the load (prometheus-net's Inc read ~200 ns) and only
// comparable within a run; benchmarks/README.md has both runs and a side-by-side with the previous code.
// | Method                    | Category          | Run 1 (load 35->20)  | Run 2 (load 14->23)  | Allocated |
// |---------------------------|-------------------|---------------------:|---------------------:|----------:|
// | PrometheusNet_Inc         | Counter.Inc       |  212 ns (ratio 1.00) |  178 ns (ratio 1.00) |         - |
// | InProcess_Inc             | Counter.Inc       | 84.9 ns (0.44)       |  145 ns (1.08)       |         - |
// | Redis_Inc                 | Counter.Inc       | 39.9 ns (0.21)       | 39.5 ns (0.29)       |         - |
// | PrometheusNet_Observe     | Histogram.Observe | 89.9 ns (1.00)       |  144 ns (1.00)       |         - |
// | InProcess_Observe         | Histogram.Observe |  110 ns (1.25)       |  150 ns (1.15)       |         - |
// | Redis_Observe             | Histogram.Observe | 96.2 ns (1.09)       |  159 ns (1.22)       |         - |
// | Redis_Flush_per_series    | Redis flush       | 8.43 us (+-14.4)     | 22.3 us (+-36.5)     |     245 B |
// | Redis_Scrape_10000_series | Redis scrape      | 63.4 ms (+-64.8)     | 85.7 ms (+-94.9)     |   3.95 MB |
//
// 2026-12-02, the packed read (each hash one cmsgpack string), run.sh --quick --filter '*RedisBenchmarks.Redis_Scrape*',
// load ~3, the previous code (7dbb241) from its own snapshot, run just before. This family's 10,002 fields are read in
// chunks (one round trip per 1,000 fields), which bound its time either way:
// | Redis_Scrape_10000_series | previous: 62.31 ms (+-44.4), 8.65 MB | packed: 57.59 ms (+-69.0), 5.32 MB |

/// <summary>
/// The Redis backend's costs against a real local redis-server (started here, on a free loopback port, and stopped in
/// cleanup): the hot path (<c>Inc</c>, <c>Observe</c>) against the in-process backend and prometheus-net in the same run,
/// the flush (time per series sent), a scrape of 10,000 series, and creating 100,000 series (against the in-process
/// backend). prometheus-net is the baseline of each category that has it.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RedisBenchmarks
{
    private const int Ops = 1000;
    private const int Series = 10_000;

    private LocalRedisServer? _server;
    private RedisBackend? _backend;
    private Py.Counter _redisCounter = null!;
    private Py.Counter _inProcessCounter = null!;
    private Counter.Child _pnCounter = null!;
    private Py.Histogram _redisHistogram = null!;
    private Py.Histogram _inProcessHistogram = null!;
    private Histogram.Child _pnHistogram = null!;
    private Py.Counter[] _flushSeries = [];
    private PyRegistry _scrapeRegistry = null!;
    private readonly double[] _samples = Enumerable.Range(0, 1024).Select(i => i * 12.0 / 1024).ToArray();

    [GlobalSetup]
    public void Setup()
    {
        _server = new LocalRedisServer();
        _backend = new RedisBackend(new RedisBackendOptions
        {
            ConnectionString = _server.ConnectionString,
            KeyPrefix = "bench",
            FlushInterval = TimeSpan.FromSeconds(1),
        });
        _redisCounter = new Py.Counter("bench_redis_total", "Inc on Redis", ["l"], registry: new PyRegistry(), backend: _backend)
            .WithLabelValues("a");
        _redisHistogram = new Py.Histogram("bench_redis_seconds", "Observe on Redis", ["l"], registry: new PyRegistry(), backend: _backend)
            .WithLabelValues("a");
        var flushFamily = new Py.Counter("bench_flush_total", "Flush", ["id"], registry: new PyRegistry(), backend: _backend);
        _flushSeries = Enumerable.Range(0, Series).Select(i => flushFamily.WithLabelValues(i.ToString("D5"))).ToArray();
        _scrapeRegistry = new PyRegistry();
        var scraped = new Py.Counter("bench_scrape_total", "Scrape", ["path", "code"], registry: _scrapeRegistry, backend: _backend);
        for (var i = 0; i < Series; i++)
        {
            scraped.WithLabelValues($"/api/v1/items/{i / 10}", (200 + i % 10).ToString()).Inc(i);
        }

        var local = new InProcessBackend();
        _inProcessCounter = new Py.Counter("bench_local_total", "Inc in process", ["l"], registry: new PyRegistry(), backend: local)
            .WithLabelValues("a");
        _inProcessHistogram = new Py.Histogram("bench_local_seconds", "Observe in process", ["l"], registry: new PyRegistry(), backend: local)
            .WithLabelValues("a");
        var pn = Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry());
        _pnCounter = pn.CreateCounter("bench_prometheus_net_total", "Inc on prometheus-net", "l").WithLabels("a");
        _pnHistogram = pn.CreateHistogram("bench_prometheus_net_seconds", "Observe on prometheus-net", new HistogramConfiguration
        {
            LabelNames = ["l"], Buckets = [.. Py.Buckets.Default],
        }).WithLabels("a");
        _backend.FlushAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _backend?.Dispose();
        _server?.Dispose();
    }

    /// <summary>prometheus-net's in-process <c>Counter.Child.Inc()</c>: the reference.</summary>
    [BenchmarkCategory("Counter.Inc"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void PrometheusNet_Inc()
    {
        var c = _pnCounter;
        for (var i = 0; i < Ops; i++) c.Inc();
    }

    [BenchmarkCategory("Counter.Inc"), Benchmark(OperationsPerInvoke = Ops)]
    public void InProcess_Inc()
    {
        var c = _inProcessCounter;
        for (var i = 0; i < Ops; i++) c.Inc();
    }

    /// <summary>Pytheus <c>Counter.Inc()</c> on the Redis backend (the flusher runs in the background).</summary>
    [BenchmarkCategory("Counter.Inc"), Benchmark(OperationsPerInvoke = Ops)]
    public void Redis_Inc()
    {
        var c = _redisCounter;
        for (var i = 0; i < Ops; i++) c.Inc();
    }

    /// <summary>Histogram with Pytheus's default bounds (11 + <c>+Inf</c>) in all three.</summary>
    [BenchmarkCategory("Histogram.Observe"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void PrometheusNet_Observe()
    {
        var h = _pnHistogram;
        var s = _samples;
        for (var i = 0; i < Ops; i++) h.Observe(s[i & 1023]);
    }

    [BenchmarkCategory("Histogram.Observe"), Benchmark(OperationsPerInvoke = Ops)]
    public void InProcess_Observe()
    {
        var h = _inProcessHistogram;
        var s = _samples;
        for (var i = 0; i < Ops; i++) h.Observe(s[i & 1023]);
    }

    [BenchmarkCategory("Histogram.Observe"), Benchmark(OperationsPerInvoke = Ops)]
    public void Redis_Observe()
    {
        var h = _redisHistogram;
        var s = _samples;
        for (var i = 0; i < Ops; i++) h.Observe(s[i & 1023]);
    }

    /// <summary>Changes 10,000 series and flushes them: time per series sent (series/s = 1e9 / this figure in ns).</summary>
    [BenchmarkCategory("Redis flush"), Benchmark(OperationsPerInvoke = Series)]
    public void Redis_Flush_per_series()
    {
        foreach (var series in _flushSeries)
        {
            series.Inc();
        }
        _backend!.FlushAsync().GetAwaiter().GetResult();
    }

    private const int CreatedSeries = 100_000;
    private static readonly string[] CreatedLabels = Enumerable.Range(0, CreatedSeries).Select(i => i.ToString("D6")).ToArray();

    /// <summary>Creates 100,000 series of a fresh family on the in-process backend: the reference for creation.</summary>
    [BenchmarkCategory("Create 100,000 series"), Benchmark(Baseline = true)]
    public int InProcess_Create_100000_series()
    {
        var family = new Py.Counter("bench_create_total", "Creation", ["id"], registry: new PyRegistry(), backend: new InProcessBackend(), seriesLimit: CreatedSeries);
        foreach (var label in CreatedLabels)
        {
            family.WithLabelValues(label);
        }
        return family.Family.SeriesCount;
    }

    /// <summary>
    /// The same on a fresh Redis backend. Creating a series never talks to Redis (its cells are announced by the next
    /// flush, measured above), so the backend points at a closed port: only the creation path is timed.
    /// </summary>
    [BenchmarkCategory("Create 100,000 series"), Benchmark]
    public int Redis_Create_100000_series()
    {
        using var backend = new RedisBackend(new RedisBackendOptions
        {
            ConnectionString = "127.0.0.1:1,connectTimeout=100",
            FlushInterval = TimeSpan.FromHours(1),
            ShutdownTimeout = TimeSpan.Zero,
        });
        var family = new Py.Counter("bench_create_total", "Creation", ["id"], registry: new PyRegistry(), backend: backend, seriesLimit: CreatedSeries);
        foreach (var label in CreatedLabels)
        {
            family.WithLabelValues(label);
        }
        return family.Family.SeriesCount;
    }

    /// <summary>A scrape of 10,000 series (one family) from Redis, rendered as text.</summary>
    [BenchmarkCategory("Redis scrape"), Benchmark]
    public string Redis_Scrape_10000_series() => MetricsExposition.GenerateMetrics(_scrapeRegistry);
}
