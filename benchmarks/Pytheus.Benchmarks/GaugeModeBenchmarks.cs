using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Prometheus;
using Pytheus.Backends.InProcess;
using Pytheus.Backends.Redis;
using Pytheus.Exposition;
using StackExchange.Redis;
using Py = Pytheus.Metrics;
using PyRegistry = Pytheus.Registry.CollectorRegistry;

namespace Pytheus.Benchmarks;

// Latest results: 2026-12-02, benchmarks/run.sh --quick --filter '*GaugeMode*' --inProcess, .NET 10.0.12, AMD EPYC 2 cores,
// Redis 7.0.15 on loopback (load average ~2). Ratio = Pytheus / prometheus-net 8.2.1 in the same run.
//
// | Method                           | Category                  | Mean          | Ratio | Allocated |
// |----------------------------------|---------------------------|--------------:|------:|----------:|
// | PrometheusNet_Set                | Gauge.Set                 |      5.68 ns  |  1.00 |         - |
// | InProcess_Set                    | Gauge.Set                 |      2.01 ns  |  0.35 |         - |
// | Redis_LiveSum_Set                | Gauge.Set                 |      6.08 ns  |  1.07 |         - |
// | Redis_Shared_Set                 | Gauge.Set                 |     21.69 ns  |  3.82 |         - |
// | PrometheusNet_Inc                | Gauge.Inc                 |      6.16 ns  |  1.00 |         - |
// | InProcess_Inc                    | Gauge.Inc                 | 13.50 ±31 ns  |  2.19 |         - |
// | Redis_LiveSum_Inc                | Gauge.Inc                 |     12.94 ns  |  2.10 |         - |
// | Redis_Shared_Inc                 | Gauge.Inc                 |      7.45 ns  |  1.21 |         - |
// | Redis_Scrape_LiveSum_100_writers | Gauge scrape, 100 writers | 92.8 ±89.5 ms |     - |  11.9 MB |

/// <summary>
/// Gauges per mode: the hot path (<c>Set</c>, <c>Inc</c>) of a per-writer gauge (<c>livesum</c>) and of pytheus's
/// shared gauge on a real local Redis, beside the in-process backend and prometheus-net; and the scrape of a
/// <c>livesum</c> family written by 100 writers (100 backends, 100 series each) — the cost that grows with processes.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class GaugeModeBenchmarks
{
    private const int Ops = 1000;
    private const int Writers = 100;
    private const int SeriesPerWriter = 100;

    private LocalRedisServer? _server;
    private ConnectionMultiplexer? _connection;
    private readonly List<RedisBackend> _backends = [];
    private Gauge.Child _pnGauge = null!;
    private Py.Gauge _inProcess = null!;
    private Py.Gauge _redisLiveSum = null!;
    private Py.Gauge _redisShared = null!;
    private PyRegistry _scrapeRegistry = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = new LocalRedisServer();
        _connection = ConnectionMultiplexer.Connect(_server.ConnectionString);
        RedisBackend NewBackend()
        {
            var backend = new RedisBackend(new RedisBackendOptions { Connection = _connection, KeyPrefix = "bench", FlushInterval = TimeSpan.FromSeconds(1) });
            _backends.Add(backend);
            return backend;
        }
        var writer = NewBackend();
        _redisLiveSum = new Py.Gauge("bench_livesum", "Per-writer gauge", ["l"], registry: new PyRegistry(), backend: writer).WithLabelValues("a");
        _redisShared = new Py.Gauge("bench_shared", "Shared gauge", ["l"], registry: new PyRegistry(), backend: writer, mode: Py.GaugeMode.Shared)
            .WithLabelValues("a");
        _inProcess = new Py.Gauge("bench_local", "In process", ["l"], registry: new PyRegistry(), backend: new InProcessBackend()).WithLabelValues("a");
        var pn = Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry());
        _pnGauge = pn.CreateGauge("bench_prometheus_net", "prometheus-net gauge", "l").WithLabels("a");

        for (var w = 0; w < Writers; w++)
        {
            var backend = NewBackend();
            var gauge = new Py.Gauge("bench_writers", "Written by 100 writers", ["item"], registry: new PyRegistry(), backend: backend);
            for (var s = 0; s < SeriesPerWriter; s++)
            {
                gauge.WithLabelValues("item" + s).Set(w + s);
            }
            backend.FlushAsync().GetAwaiter().GetResult();
        }
        _scrapeRegistry = new PyRegistry();
        _ = new Py.Gauge("bench_writers", "Written by 100 writers", ["item"], registry: _scrapeRegistry, backend: NewBackend());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var backend in _backends)
        {
            backend.Dispose();
        }
        _connection?.Dispose();
        _server?.Dispose();
    }

    [BenchmarkCategory("Gauge.Set"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void PrometheusNet_Set()
    {
        var g = _pnGauge;
        for (var i = 0; i < Ops; i++) g.Set(i);
    }

    [BenchmarkCategory("Gauge.Set"), Benchmark(OperationsPerInvoke = Ops)]
    public void InProcess_Set()
    {
        var g = _inProcess;
        for (var i = 0; i < Ops; i++) g.Set(i);
    }

    /// <summary>A per-writer (livesum) gauge on Redis: the value and a version bump, no lock.</summary>
    [BenchmarkCategory("Gauge.Set"), Benchmark(OperationsPerInvoke = Ops)]
    public void Redis_LiveSum_Set()
    {
        var g = _redisLiveSum;
        for (var i = 0; i < Ops; i++) g.Set(i);
    }

    /// <summary>pytheus's shared gauge on Redis: Set takes the cell's lock (absolute write plus later deltas).</summary>
    [BenchmarkCategory("Gauge.Set"), Benchmark(OperationsPerInvoke = Ops)]
    public void Redis_Shared_Set()
    {
        var g = _redisShared;
        for (var i = 0; i < Ops; i++) g.Set(i);
    }

    [BenchmarkCategory("Gauge.Inc"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void PrometheusNet_Inc()
    {
        var g = _pnGauge;
        for (var i = 0; i < Ops; i++) g.Inc();
    }

    [BenchmarkCategory("Gauge.Inc"), Benchmark(OperationsPerInvoke = Ops)]
    public void InProcess_Inc()
    {
        var g = _inProcess;
        for (var i = 0; i < Ops; i++) g.Inc();
    }

    [BenchmarkCategory("Gauge.Inc"), Benchmark(OperationsPerInvoke = Ops)]
    public void Redis_LiveSum_Inc()
    {
        var g = _redisLiveSum;
        for (var i = 0; i < Ops; i++) g.Inc();
    }

    [BenchmarkCategory("Gauge.Inc"), Benchmark(OperationsPerInvoke = Ops)]
    public void Redis_Shared_Inc()
    {
        var g = _redisShared;
        for (var i = 0; i < Ops; i++) g.Inc();
    }

    /// <summary>One scrape of a livesum family written by 100 writers × 100 series (10,000 values combined into 100 series).</summary>
    [BenchmarkCategory("Gauge scrape, 100 writers"), Benchmark]
    public string Redis_Scrape_LiveSum_100_writers() => MetricsExposition.GenerateMetrics(_scrapeRegistry);
}
