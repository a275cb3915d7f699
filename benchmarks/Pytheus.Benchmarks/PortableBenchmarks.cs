using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using Pytheus.Backends.InProcess;
using Pytheus.Compat.PrometheusNet;
using Pytheus.Compat.PrometheusNet.Binding;
using Pytheus.Compat.PrometheusNet.Harvest;
using PatchCompat = Pytheus.Compat.PrometheusNet.Compat;
using PyRegistry = Pytheus.Registry.CollectorRegistry;

namespace Pytheus.Benchmarks;

// Latest results: see benchmarks/README.md, "Portable PatchClient strategy" (run.sh --quick --filter '*PortableBenchmarks*').

/// <summary>
/// The portable PatchClient strategy (issue 14): its hot path beside unpatched prometheus-net (it is prometheus-net's,
/// untouched), the cost of one harvest per series, and a scrape beside the detour strategy's. Each case patches (or
/// not) in its own process, as in <see cref="PatchingBenchmarks"/>; each setup checks the strategy it got.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PortableBenchmarks
{
    private const int Ops = 1000;
    private const int Series = 1000;

    private readonly double[] _samples = Enumerable.Range(0, 1024).Select(i => i * 12.0 / 1024).ToArray();
    private CollectorRegistry? _registry;
    private Counter.Child? _counter;
    private Histogram.Child? _histogram;
    private Counter.Child[] _many = [];
    private Harvester? _harvester;

    [GlobalSetup(Targets = [nameof(CounterInc_Unpatched), nameof(HistogramObserve_Unpatched), nameof(Scrape_Unpatched)])]
    public void SetupUnpatched()
    {
        if (PatchCompat.Active is not null)
        {
            throw new InvalidOperationException("An unpatched case runs in a patched process.");
        }
        CreateMetrics();
    }

    [GlobalSetup(Targets = [nameof(CounterInc_Portable), nameof(HistogramObserve_Portable), nameof(Scrape_Portable)])]
    public void SetupPortable() => Patch(PatchStrategy.Portable);

    [GlobalSetup(Targets = [nameof(Scrape_Detour)])]
    public void SetupDetour() => Patch(PatchStrategy.Detour);

    /// <summary>A harvester of its own over <see cref="Series"/> counter series, each changed before every harvest.</summary>
    [GlobalSetup(Targets = [nameof(Harvest_PerSeries)])]
    public void SetupHarvest()
    {
        CreateMetrics();
        var binder = new MetricBinder(new PrometheusNetInternals(), new InProcessBackend(), [], new MetricNameRules<Pytheus.Metrics.GaugeMode>([], Pytheus.Metrics.GaugeMode.LiveSum), new MetricNameRules<Pytheus.Metrics.NativeHistogramOptions?>([], null), NullLogger.Instance);
        _harvester = new Harvester(binder, new RegistrySynchronizer(binder, new PyRegistry(), NullLogger.Instance), NullLogger.Instance);
        _harvester.HarvestAll([_registry!], long.MaxValue, wait: true);
    }

    [GlobalCleanup]
    public void Cleanup() => PatchCompat.UnpatchClient();

    [BenchmarkCategory("Counter.Inc"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void CounterInc_Unpatched() => IncLoop();

    [BenchmarkCategory("Counter.Inc"), Benchmark(OperationsPerInvoke = Ops)]
    public void CounterInc_Portable() => IncLoop();

    [BenchmarkCategory("Histogram.Observe"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void HistogramObserve_Unpatched() => ObserveLoop();

    [BenchmarkCategory("Histogram.Observe"), Benchmark(OperationsPerInvoke = Ops)]
    public void HistogramObserve_Portable() => ObserveLoop();

    /// <summary>One timed harvest of <see cref="Series"/> changed counter series, per series (the 1,000 <c>Inc</c>s included).</summary>
    [BenchmarkCategory("Harvest"), Benchmark(OperationsPerInvoke = Series)]
    public void Harvest_PerSeries()
    {
        foreach (var child in _many)
        {
            child.Inc();
        }
        _harvester!.HarvestAll([_registry!], long.MaxValue, wait: true);
    }

    [BenchmarkCategory("Scrape"), Benchmark(Baseline = true)]
    public Task Scrape_Unpatched() => _registry!.CollectAndExportAsTextAsync(Stream.Null);

    /// <summary>prometheus-net's exporter after a harvest and a read of the shared values (in-process backend).</summary>
    [BenchmarkCategory("Scrape"), Benchmark]
    public Task Scrape_Portable() => _registry!.CollectAndExportAsTextAsync(Stream.Null);

    /// <summary>Pytheus's exposition in place of prometheus-net's (in-process backend).</summary>
    [BenchmarkCategory("Scrape"), Benchmark]
    public Task Scrape_Detour() => _registry!.CollectAndExportAsTextAsync(Stream.Null);

    private void IncLoop()
    {
        var c = _counter!;
        for (var i = 0; i < Ops; i++) c.Inc();
    }

    private void ObserveLoop()
    {
        var h = _histogram!;
        var s = _samples;
        for (var i = 0; i < Ops; i++) h.Observe(s[i & 1023]);
    }

    private void Patch(PatchStrategy strategy)
    {
        var handle = PatchCompat.PatchClient(new PatchOptions { Strategy = strategy, Backend = new InProcessBackend(), Registry = new PyRegistry() });
        if (handle.Report.Strategy != strategy)
        {
            throw new InvalidOperationException($"Asked for {strategy}, got {handle.Report.Strategy}.");
        }
        CreateMetrics();
        PatchCompat.Attach(_registry!);
    }

    private void CreateMetrics()
    {
        _registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(_registry);
        _counter = factory.CreateCounter("bench_portable_total", "c", "l").WithLabels("a");
        _histogram = factory.CreateHistogram("bench_portable_seconds", "h", new HistogramConfiguration
        {
            LabelNames = ["l"], Buckets = [.. Pytheus.Metrics.Buckets.Default],
        }).WithLabels("a");
        var many = factory.CreateCounter("bench_portable_series_total", "Series.", "path", "code");
        _many = Enumerable.Range(0, Series).Select(i => many.WithLabels($"/p{i % 100}", $"{200 + i / 100}")).ToArray();
        foreach (var child in _many)
        {
            child.Inc();
        }
    }
}
