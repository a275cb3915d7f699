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
/// Native histogram <c>Observe</c> beside classic buckets (14, prometheus-net's defaults) in both libraries, in-process
/// backend, cached child; observations spread over 1 ms .. 10 s, so that a native series holds about 80 buckets.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class NativeHistogramObserveBenchmarks
{
    private const int Ops = 1000;
    private static readonly double[] DefaultBounds = [.005, .01, .025, .05, .075, .1, .25, .5, .75, 1, 2.5, 5, 7.5, 10];

    private readonly double[] _samples = Enumerable.Range(0, 1024).Select(i => 0.001 * Math.Pow(10_000, i / 1024.0)).ToArray();

    private Prometheus.Histogram.Child _pnClassic = null!;
    private Py.Histogram _pyClassic = null!;
    private Py.Histogram _pyNative = null!;
    private Py.Histogram _pyBoth = null!;

    [GlobalSetup]
    public void Setup()
    {
        var pn = Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry());
        _pnClassic = pn.CreateHistogram("bench_classic", "h", new Prometheus.HistogramConfiguration { LabelNames = ["l"], Buckets = DefaultBounds }).WithLabels("a");
        var registry = new CollectorRegistry();
        var backend = new InProcessBackend();
        _pyClassic = new Py.Histogram("bench_classic", "h", ["l"], buckets: DefaultBounds, registry: registry, backend: backend).WithLabelValues("a");
        _pyNative = new Py.Histogram("bench_native", "h", ["l"], registry: registry, backend: backend,
            nativeHistogram: new NativeHistogramOptions()).WithLabelValues("a");
        _pyBoth = new Py.Histogram("bench_both", "h", ["l"], buckets: DefaultBounds, registry: registry, backend: backend,
            nativeHistogram: new NativeHistogramOptions()).WithLabelValues("a");
        foreach (var sample in _samples)
        {
            // Buckets exist before measuring (the first observation of a bucket creates its store).
            _pyNative.Observe(sample);
            _pyBoth.Observe(sample);
        }
    }

    [BenchmarkCategory("Histogram.Observe"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void PrometheusNet_Classic14()
    {
        var h = _pnClassic;
        var s = _samples;
        for (var i = 0; i < Ops; i++) h.Observe(s[i & 1023]);
    }

    [BenchmarkCategory("Histogram.Observe"), Benchmark(OperationsPerInvoke = Ops)]
    public void Pytheus_Classic14()
    {
        var h = _pyClassic;
        var s = _samples;
        for (var i = 0; i < Ops; i++) h.Observe(s[i & 1023]);
    }

    [BenchmarkCategory("Histogram.Observe"), Benchmark(OperationsPerInvoke = Ops)]
    public void Pytheus_Native()
    {
        var h = _pyNative;
        var s = _samples;
        for (var i = 0; i < Ops; i++) h.Observe(s[i & 1023]);
    }

    [BenchmarkCategory("Histogram.Observe"), Benchmark(OperationsPerInvoke = Ops)]
    public void Pytheus_NativeAndClassic14()
    {
        var h = _pyBoth;
        var s = _samples;
        for (var i = 0; i < Ops; i++) h.Observe(s[i & 1023]);
    }
}
