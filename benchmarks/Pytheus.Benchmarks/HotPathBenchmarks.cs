using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Prometheus;
using Pytheus.Backends.InProcess;
using Py = Pytheus.Metrics;

namespace Pytheus.Benchmarks;

// Latest results: 2026-11-25, benchmarks/run.sh --quick, BenchmarkDotNet 0.15.8, .NET 10.0.12 X64 RyuJIT x86-64-v4,
// AMD EPYC 2.1 GHz, 2 cores shared with other jobs (Ratio = Pytheus / prometheus-net 8.2.1 in the same run).
//
// | Category                        | prometheus-net | Pytheus  | Ratio | Allocated PN / Pytheus |
// |---------------------------------|---------------:|---------:|------:|------------------------|
// | Counter.Inc unlabelled          |   8.66 ns      |  6.76 ns |  0.78 | 0 / 0                  |
// | Counter.Inc cached child        |   7.99 ns      |  7.28 ns |  0.91 | 0 / 0                  |
// | Label lookup + Inc              |  62.7 ns       | 35.3 ns  |  0.56 | 40 B / 40 B            |
// | Gauge.Set                       |   6.28 ns      |  0.74 ns |  0.12 | 0 / 0                  |
// | Histogram.Observe 14 buckets    |  14.4 ns       | 16.8 ns  |  1.17 | 0 / 0 (0.92-1.17 over 4 runs) |
// | Histogram.Observe 64 buckets    |  18.1 ns       | 16.4 ns  |  0.91 | 0 / 0                  |
// | Summary.Observe                 | 303 ns         | 21.2 ns  |  0.07 | 0 / 0                  |
// | Summary.Observe 3 objectives    | 578 ns         | 107 ns   |  0.19 | 0 / 0 (2026-12-02, --quick, this category only) |
// | Histogram timer                 | 106 ns         | 90.7 ns  |  0.85 | 96 B / 0               |
// | Counter.Inc 2 threads, 1 series |  41.1 ns       | 15.7 ns  |  0.40 | 0 / 0                  |

/// <summary>
/// The in-process hot paths, Pytheus vs prometheus-net 8.2.1 (the baseline of each category), each on its own
/// registry with default settings (prometheus-net keeps its default exemplar provider, as its users get it).
/// Every benchmark does <see cref="Ops"/> calls per invocation so that the loop, not the harness, is measured.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class HotPathBenchmarks
{
    private const int Ops = 1000;
    private const int ContendedOpsPerThread = 200_000;

    // prometheus-net's default bounds (14), used by both libraries.
    private static readonly double[] DefaultBounds = [.005, .01, .025, .05, .075, .1, .25, .5, .75, 1, 2.5, 5, 7.5, 10];
    private static readonly double[] WideBounds = Prometheus.Histogram.LinearBuckets(0.01, 0.01, 64);

    // Observations spread over both bucket layouts (and a few above the last bound).
    private readonly double[] _samples = Enumerable.Range(0, 1024).Select(i => i * 0.7 / 1024).ToArray();

    private Prometheus.Counter _pnCounter = null!;
    private Prometheus.Counter _pnLabelled = null!;
    private Prometheus.Counter.Child _pnChild = null!;
    private Prometheus.Gauge.Child _pnGauge = null!;
    private Prometheus.Histogram.Child _pnHistogram = null!;
    private Prometheus.Histogram.Child _pnWideHistogram = null!;
    private Prometheus.Summary.Child _pnSummary = null!;
    private Prometheus.Summary.Child _pnQuantileSummary = null!;

    private Py.Counter _pyCounter = null!;
    private Py.Counter _pyLabelled = null!;
    private Py.Counter _pyChild = null!;
    private Py.Gauge _pyGauge = null!;
    private Py.Histogram _pyHistogram = null!;
    private Py.Histogram _pyWideHistogram = null!;
    private Py.Summary _pySummary = null!;
    private Py.Summary _pyQuantileSummary = null!;

    [GlobalSetup]
    public void Setup()
    {
        var pn = Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry());
        _pnCounter = pn.CreateCounter("bench_unlabelled_total", "c");
        _pnLabelled = pn.CreateCounter("bench_labelled_total", "c", "method", "code");
        _pnChild = _pnLabelled.WithLabels("GET", "200");
        _pnGauge = pn.CreateGauge("bench_gauge", "g", "l").WithLabels("a");
        _pnHistogram = pn.CreateHistogram("bench_histogram", "h", new Prometheus.HistogramConfiguration
        {
            LabelNames = ["l"], Buckets = DefaultBounds,
        }).WithLabels("a");
        _pnWideHistogram = pn.CreateHistogram("bench_wide_histogram", "h", new Prometheus.HistogramConfiguration
        {
            LabelNames = ["l"], Buckets = WideBounds,
        }).WithLabels("a");
        _pnSummary = pn.CreateSummary("bench_summary", "s", "l").WithLabels("a");
        _pnQuantileSummary = pn.CreateSummary("bench_quantile_summary", "s", new Prometheus.SummaryConfiguration
        {
            LabelNames = ["l"],
            Objectives = [new(0.5, 0.05), new(0.9, 0.01), new(0.99, 0.005)],
        }).WithLabels("a");

        var registry = new Pytheus.Registry.CollectorRegistry();
        var backend = new InProcessBackend();
        _pyCounter = new Py.Counter("bench_unlabelled_total", "c", registry: registry, backend: backend);
        _pyLabelled = new Py.Counter("bench_labelled_total", "c", ["method", "code"], registry: registry, backend: backend);
        _pyChild = _pyLabelled.WithLabelValues("GET", "200");
        _pyGauge = new Py.Gauge("bench_gauge", "g", ["l"], registry: registry, backend: backend).WithLabelValues("a");
        _pyHistogram = new Py.Histogram("bench_histogram", "h", ["l"], buckets: DefaultBounds, registry: registry, backend: backend)
            .WithLabelValues("a");
        _pyWideHistogram = new Py.Histogram("bench_wide_histogram", "h", ["l"], buckets: WideBounds, registry: registry, backend: backend)
            .WithLabelValues("a");
        _pySummary = new Py.Summary("bench_summary", "s", ["l"], registry: registry, backend: backend).WithLabelValues("a");
        _pyQuantileSummary = new Py.Summary("bench_quantile_summary", "s", ["l"], registry: registry, backend: backend,
            objectives: [0.5, 0.9, 0.99]).WithLabelValues("a");
    }

    [BenchmarkCategory("Counter.Inc unlabelled"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void PrometheusNet_CounterInc()
    {
        var c = _pnCounter;
        for (var i = 0; i < Ops; i++) c.Inc();
    }

    [BenchmarkCategory("Counter.Inc unlabelled"), Benchmark(OperationsPerInvoke = Ops)]
    public void Pytheus_CounterInc()
    {
        var c = _pyCounter;
        for (var i = 0; i < Ops; i++) c.Inc();
    }

    [BenchmarkCategory("Counter.Inc cached child"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void PrometheusNet_ChildInc()
    {
        var c = _pnChild;
        for (var i = 0; i < Ops; i++) c.Inc();
    }

    [BenchmarkCategory("Counter.Inc cached child"), Benchmark(OperationsPerInvoke = Ops)]
    public void Pytheus_ChildInc()
    {
        var c = _pyChild;
        for (var i = 0; i < Ops; i++) c.Inc();
    }

    /// <summary>Looks the child up by its 2 label values on every call (a hit), then increments it.</summary>
    [BenchmarkCategory("Label lookup + Inc"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void PrometheusNet_WithLabels()
    {
        var c = _pnLabelled;
        for (var i = 0; i < Ops; i++) c.WithLabels("GET", "200").Inc();
    }

    [BenchmarkCategory("Label lookup + Inc"), Benchmark(OperationsPerInvoke = Ops)]
    public void Pytheus_WithLabelValues()
    {
        var c = _pyLabelled;
        for (var i = 0; i < Ops; i++) c.WithLabelValues("GET", "200").Inc();
    }

    [BenchmarkCategory("Gauge.Set"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void PrometheusNet_GaugeSet()
    {
        var g = _pnGauge;
        for (var i = 0; i < Ops; i++) g.Set(i);
    }

    [BenchmarkCategory("Gauge.Set"), Benchmark(OperationsPerInvoke = Ops)]
    public void Pytheus_GaugeSet()
    {
        var g = _pyGauge;
        for (var i = 0; i < Ops; i++) g.Set(i);
    }

    [BenchmarkCategory("Histogram.Observe 14 buckets"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void PrometheusNet_HistogramObserve()
    {
        var h = _pnHistogram;
        var s = _samples;
        for (var i = 0; i < Ops; i++) h.Observe(s[i & 1023]);
    }

    [BenchmarkCategory("Histogram.Observe 14 buckets"), Benchmark(OperationsPerInvoke = Ops)]
    public void Pytheus_HistogramObserve()
    {
        var h = _pyHistogram;
        var s = _samples;
        for (var i = 0; i < Ops; i++) h.Observe(s[i & 1023]);
    }

    [BenchmarkCategory("Histogram.Observe 64 buckets"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void PrometheusNet_HistogramObserve64()
    {
        var h = _pnWideHistogram;
        var s = _samples;
        for (var i = 0; i < Ops; i++) h.Observe(s[i & 1023]);
    }

    [BenchmarkCategory("Histogram.Observe 64 buckets"), Benchmark(OperationsPerInvoke = Ops)]
    public void Pytheus_HistogramObserve64()
    {
        var h = _pyWideHistogram;
        var s = _samples;
        for (var i = 0; i < Ops; i++) h.Observe(s[i & 1023]);
    }

    /// <summary>prometheus-net's summary with its default configuration (no quantile objectives) vs Pytheus's (sum and count).</summary>
    [BenchmarkCategory("Summary.Observe"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void PrometheusNet_SummaryObserve()
    {
        var h = _pnSummary;
        var s = _samples;
        for (var i = 0; i < Ops; i++) h.Observe(s[i & 1023]);
    }

    [BenchmarkCategory("Summary.Observe"), Benchmark(OperationsPerInvoke = Ops)]
    public void Pytheus_SummaryObserve()
    {
        var h = _pySummary;
        var s = _samples;
        for (var i = 0; i < Ops; i++) h.Observe(s[i & 1023]);
    }

    /// <summary>Summaries with three quantile objectives: prometheus-net's CKMS streams vs Pytheus's log-bucket sketch.</summary>
    [BenchmarkCategory("Summary.Observe 3 objectives"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void PrometheusNet_QuantileSummaryObserve()
    {
        var h = _pnQuantileSummary;
        var s = _samples;
        for (var i = 0; i < Ops; i++) h.Observe(s[i & 1023]);
    }

    [BenchmarkCategory("Summary.Observe 3 objectives"), Benchmark(OperationsPerInvoke = Ops)]
    public void Pytheus_QuantileSummaryObserve()
    {
        var h = _pyQuantileSummary;
        var s = _samples;
        for (var i = 0; i < Ops; i++) h.Observe(s[i & 1023]);
    }

    /// <summary>An empty timed block on a histogram child: <c>using (NewTimer())</c> vs <c>using (Time())</c>.</summary>
    [BenchmarkCategory("Histogram timer"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void PrometheusNet_NewTimer()
    {
        var h = _pnHistogram;
        for (var i = 0; i < Ops; i++)
        {
            using (h.NewTimer())
            {
            }
        }
    }

    [BenchmarkCategory("Histogram timer"), Benchmark(OperationsPerInvoke = Ops)]
    public void Pytheus_Time()
    {
        var h = _pyHistogram;
        for (var i = 0; i < Ops; i++)
        {
            using (h.Time())
            {
            }
        }
    }

    /// <summary>Two threads increment the same child; the figure is wall time per increment (both threads' increments counted).</summary>
    [BenchmarkCategory("Counter.Inc 2 threads, 1 series"), Benchmark(Baseline = true, OperationsPerInvoke = 2 * ContendedOpsPerThread)]
    public void PrometheusNet_Contended()
    {
        var c = _pnChild;
        Parallel.Invoke(Hammer, Hammer);

        void Hammer()
        {
            for (var i = 0; i < ContendedOpsPerThread; i++) c.Inc();
        }
    }

    [BenchmarkCategory("Counter.Inc 2 threads, 1 series"), Benchmark(OperationsPerInvoke = 2 * ContendedOpsPerThread)]
    public void Pytheus_Contended()
    {
        var c = _pyChild;
        Parallel.Invoke(Hammer, Hammer);

        void Hammer()
        {
            for (var i = 0; i < ContendedOpsPerThread; i++) c.Inc();
        }
    }
}
