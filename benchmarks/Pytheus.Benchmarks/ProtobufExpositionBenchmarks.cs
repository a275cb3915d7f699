using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Pytheus.Backends.InProcess;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;
using Py = Pytheus.Metrics;

namespace Pytheus.Benchmarks;

// Latest results: see benchmarks/README.md, "Native histograms and protobuf exposition".

/// <summary>
/// The protobuf format beside the text formats for 10,000 series in 10 families of 1,000: counters (as in
/// <see cref="ExpositionBenchmarks"/>), classic histograms (prometheus-net's 14 default bounds and <c>+Inf</c> in
/// both clients), and native histograms (about 30 native buckets each, classic <c>+Inf</c> only).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ProtobufExpositionBenchmarks
{
    private const int Families = 10;
    private const int Series = 10_000;
    private const int PerFamily = Series / Families;

    private static readonly double[] Bounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private Prometheus.CollectorRegistry _pnCounters = null!;
    private Prometheus.CollectorRegistry _pnHistograms = null!;
    private CollectorRegistry _counters = null!;
    private CollectorRegistry _histograms = null!;
    private CollectorRegistry _natives = null!;

    [GlobalSetup]
    public void Setup()
    {
        var backend = new InProcessBackend();
        _pnCounters = Prometheus.Metrics.NewCustomRegistry();
        var pnCounters = Prometheus.Metrics.WithCustomRegistry(_pnCounters);
        _counters = new CollectorRegistry();
        _pnHistograms = Prometheus.Metrics.NewCustomRegistry();
        var pnHistograms = Prometheus.Metrics.WithCustomRegistry(_pnHistograms);
        _histograms = new CollectorRegistry();
        _natives = new CollectorRegistry();
        for (var f = 0; f < Families; f++)
        {
            var pnCounter = pnCounters.CreateCounter($"bench_requests_{f}_total", "Requests.", "path", "code");
            var pyCounter = new Py.Counter($"bench_requests_{f}_total", "Requests.", ["path", "code"], registry: _counters, backend: backend);
            var pnHistogram = pnHistograms.CreateHistogram($"bench_duration_{f}_seconds", "Duration.", ["path", "code"],
                new Prometheus.HistogramConfiguration { Buckets = Bounds });
            var pyHistogram = new Py.Histogram($"bench_duration_{f}_seconds", "Duration.", ["path", "code"], buckets: Bounds,
                registry: _histograms, backend: backend);
            var native = new Py.Histogram($"bench_latency_{f}_seconds", "Latency.", ["route"], registry: _natives, backend: backend,
                nativeHistogram: new NativeHistogramOptions());
            for (var i = 0; i < PerFamily; i++)
            {
                var (path, code) = ($"/api/v1/items/{i / 10}", (200 + i % 10).ToString());
                pnCounter.WithLabels(path, code).Inc(i + 0.5);
                pyCounter.WithLabelValues(path, code).Inc(i + 0.5);
                var nativeChild = native.WithLabelValues($"/r/{i}");
                for (var j = 0; j < 30; j++)
                {
                    var value = 0.01 * Math.Pow(1.1, j + i % 7);
                    pnHistogram.WithLabels(path, code).Observe(value);
                    pyHistogram.WithLabelValues(path, code).Observe(value);
                    nativeChild.Observe(value);
                }
            }
        }
    }

    [BenchmarkCategory("10,000 counter series"), Benchmark(Baseline = true)]
    public Task PrometheusNet_Text() => _pnCounters.CollectAndExportAsTextAsync(Stream.Null);

    [BenchmarkCategory("10,000 counter series"), Benchmark]
    public Task Pytheus_Text() => MetricsExposition.WriteMetricsAsync(Stream.Null, _counters);

    [BenchmarkCategory("10,000 counter series"), Benchmark]
    public Task Pytheus_OpenMetrics() => MetricsExposition.WriteMetricsAsync(Stream.Null, _counters, ExpositionFormat.OpenMetrics);

    [BenchmarkCategory("10,000 counter series"), Benchmark]
    public Task Pytheus_Protobuf() => MetricsExposition.WriteMetricsAsync(Stream.Null, _counters, ExpositionFormat.Protobuf);

    [BenchmarkCategory("10,000 classic histogram series"), Benchmark(Baseline = true)]
    public Task PrometheusNet_Text_ClassicHistograms() => _pnHistograms.CollectAndExportAsTextAsync(Stream.Null);

    [BenchmarkCategory("10,000 classic histogram series"), Benchmark]
    public Task Pytheus_Text_ClassicHistograms() => MetricsExposition.WriteMetricsAsync(Stream.Null, _histograms);

    [BenchmarkCategory("10,000 classic histogram series"), Benchmark]
    public Task Pytheus_Protobuf_ClassicHistograms() => MetricsExposition.WriteMetricsAsync(Stream.Null, _histograms, ExpositionFormat.Protobuf);

    [BenchmarkCategory("10,000 native histogram series"), Benchmark(Baseline = true)]
    public Task Pytheus_Text_NativeHistograms() => MetricsExposition.WriteMetricsAsync(Stream.Null, _natives);

    [BenchmarkCategory("10,000 native histogram series"), Benchmark]
    public Task Pytheus_Protobuf_NativeHistograms() => MetricsExposition.WriteMetricsAsync(Stream.Null, _natives, ExpositionFormat.Protobuf);
}
