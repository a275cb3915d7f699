using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Pytheus.Backends.InProcess;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;
using Py = Pytheus.Metrics;

namespace Pytheus.Benchmarks;

// Latest results: see benchmarks/README.md, "Native histograms".

/// <summary>
/// The protobuf format beside the text formats for 10,000 series: 10 counter families × 1,000 series (as in
/// <see cref="ExpositionBenchmarks"/>), and 1,000 native histogram series (about 30 buckets each, classic +Inf only).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ProtobufExpositionBenchmarks
{
    private const int Families = 10;
    private const int Series = 10_000;

    private Prometheus.CollectorRegistry _pn = null!;
    private CollectorRegistry _counters = null!;
    private CollectorRegistry _histograms = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pn = Prometheus.Metrics.NewCustomRegistry();
        var pnFactory = Prometheus.Metrics.WithCustomRegistry(_pn);
        _counters = new CollectorRegistry();
        var backend = new InProcessBackend();
        for (var f = 0; f < Families; f++)
        {
            var name = $"bench_requests_{f}_total";
            var pnCounter = pnFactory.CreateCounter(name, "Requests.", "path", "code");
            var pyCounter = new Py.Counter(name, "Requests.", ["path", "code"], registry: _counters, backend: backend);
            for (var i = 0; i < Series / Families; i++)
            {
                var (path, code) = ($"/api/v1/items/{i / 10}", (200 + i % 10).ToString());
                pnCounter.WithLabels(path, code).Inc(i + 0.5);
                pyCounter.WithLabelValues(path, code).Inc(i + 0.5);
            }
        }
        _histograms = new CollectorRegistry();
        var native = new Py.Histogram("bench_latency_seconds", "Latency.", ["route"], registry: _histograms, backend: backend,
            nativeHistogram: new NativeHistogramOptions());
        for (var i = 0; i < 1000; i++)
        {
            var child = native.WithLabelValues($"/r/{i}");
            for (var j = 0; j < 30; j++)
            {
                child.Observe(0.01 * Math.Pow(1.1, j + i % 7));
            }
        }
    }

    [BenchmarkCategory("10,000 counter series"), Benchmark(Baseline = true)]
    public Task PrometheusNet_Text() => _pn.CollectAndExportAsTextAsync(Stream.Null);

    [BenchmarkCategory("10,000 counter series"), Benchmark]
    public Task Pytheus_Text() => MetricsExposition.WriteMetricsAsync(Stream.Null, _counters);

    [BenchmarkCategory("10,000 counter series"), Benchmark]
    public Task Pytheus_OpenMetrics() => MetricsExposition.WriteMetricsAsync(Stream.Null, _counters, ExpositionFormat.OpenMetrics);

    [BenchmarkCategory("10,000 counter series"), Benchmark]
    public Task Pytheus_Protobuf() => MetricsExposition.WriteMetricsAsync(Stream.Null, _counters, ExpositionFormat.Protobuf);

    [BenchmarkCategory("1,000 native histogram series"), Benchmark(Baseline = true)]
    public Task Pytheus_Text_Histograms() => MetricsExposition.WriteMetricsAsync(Stream.Null, _histograms);

    [BenchmarkCategory("1,000 native histogram series"), Benchmark]
    public Task Pytheus_Protobuf_Histograms() => MetricsExposition.WriteMetricsAsync(Stream.Null, _histograms, ExpositionFormat.Protobuf);
}
