using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using Pytheus.Backends.InProcess;
using Pytheus.Compat.PrometheusNet.Binding;
using Pytheus.Compat.PrometheusNet.Harvest;
using PromMetrics = Prometheus.Metrics;
using PyRegistry = Pytheus.Registry.CollectorRegistry;

namespace Pytheus.Compat.PrometheusNet.Tests.Harvest;

/// <summary>
/// The portable strategy's core promise: with threads writing to prometheus-net while harvests and exports run, every
/// change reaches the backend exactly once — and prometheus-net's own exporter shows the backend's totals. No
/// registry attached to the process-wide patch: a harvester of its own on an in-process backend, exporting as the portable
/// strategy does (harvest and show, then prometheus-net's exporter). They run in the portable run of the test project:
/// in the detour run prometheus-net's storage stays empty by design (and undoing the detour to run them would leave
/// prometheus-net's methods compiled, so it could not be redone).
/// </summary>
public sealed class HarvesterTests
{
    private const int PerThread = 200_000;

    private readonly InProcessBackend _backend = new();
    private readonly PyRegistry _target = new();
    private readonly MetricBinder _binder;
    private readonly RegistrySynchronizer _synchronizer;
    private readonly Harvester _harvester;

    public HarvesterTests()
    {
        _binder = new MetricBinder(new PrometheusNetInternals(), _backend, [], new MetricNameRules<Metrics.GaugeMode>([], Metrics.GaugeMode.LiveSum), new MetricNameRules<Metrics.NativeHistogramOptions?>([], null), NullLogger.Instance);
        _synchronizer = new RegistrySynchronizer(_binder, _target, NullLogger.Instance);
        _harvester = new Harvester(_binder, _synchronizer, NullLogger.Instance);
    }

    [PortableFact]
    public async Task Changes_made_while_harvests_and_exports_run_are_moved_exactly_once()
    {
        var registry = PromMetrics.NewCustomRegistry();
        var factory = PromMetrics.WithCustomRegistry(registry);
        var counter = factory.CreateCounter("hv_calls_total", "Calls.", "path").WithLabels("a");
        var histogram = factory.CreateHistogram("hv_latency", "Latency.", new HistogramConfiguration { Buckets = [1, 5] });
        var summary = factory.CreateSummary("hv_size", "Size.");
        var gauge = factory.CreateGauge("hv_in_progress", "In progress.");

        var writers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                counter.Inc();
                histogram.Observe(i % 10);
                summary.Observe(2);
                gauge.Inc();
                gauge.Dec();
            }
        })).ToList();
        var rounds = 0;
        while (writers.Any(w => !w.IsCompleted) || rounds < 4)
        {
            // Timed harvests (restoring gauges) and exports (harvest + show) interleaved with the writers.
            _harvester.HarvestAll([registry], restoreShownBefore: long.MaxValue, wait: true);
            await _harvester.HarvestAndShowAsync(registry, CancellationToken.None);
            rounds++;
        }
        await Task.WhenAll(writers);
        var text = await Export(registry);

        var series = (Metrics.Counter)_binder.Child(counter);
        series.Get().ShouldBe(2 * PerThread);
        var observed = (Metrics.Histogram)_binder.Child(((ICollector<Histogram.Child>)histogram).Unlabelled);
        // i % 10: 0 and 1 fall in le=1 (2 of 10), 2..5 in le=5 (4 of 10), the rest above.
        observed.GetBucketCounts().ShouldBe([2 * PerThread / 5.0, 2 * PerThread * 2 / 5.0, 2 * PerThread * 2 / 5.0]);
        observed.GetSum().ShouldBe(2 * PerThread / 10 * 45.0);
        var sizes = (Metrics.Summary)_binder.Child(((ICollector<Summary.Child>)summary).Unlabelled);
        sizes.GetCount().ShouldBe(2 * PerThread);
        sizes.GetSum().ShouldBe(4.0 * PerThread);
        ((Metrics.Gauge)_binder.Child(((ICollector<Gauge.Child>)gauge).Unlabelled)).Get().ShouldBe(0);
        text.ShouldContain($"hv_calls_total{{path=\"a\"}} {2 * PerThread}\n");
        text.ShouldContain($"hv_latency_count {2 * PerThread}\n");
        text.ShouldContain($"hv_size_count {2 * PerThread}\n");
        text.ShouldContain("hv_in_progress 0\n");
    }

    [PortableFact]
    public async Task Series_written_only_by_other_processes_are_created_and_shown_through_prometheus_net()
    {
        // "Another process": the same metric bound on the same backend, written directly.
        var registry = PromMetrics.NewCustomRegistry();
        var counter = PromMetrics.WithCustomRegistry(registry).CreateCounter("hv_remote_total", "Remote.", "region");
        counter.WithLabels("eu").Inc(2);
        await _harvester.HarvestAndShowAsync(registry, CancellationToken.None);
        var root = (Metrics.Counter)_binder.Collector(counter).Labelled.Metric;
        root.WithLabelValues("us").Inc(5);
        root.WithLabelValues("eu").Inc(1);

        var text = await Export(registry);

        text.ShouldContain("hv_remote_total{region=\"eu\"} 3\n");
        text.ShouldContain("hv_remote_total{region=\"us\"} 5\n");
        counter.WithLabels("us").Value.ShouldBe(5);
        counter.WithLabels("us").Inc();
        (await Export(registry)).ShouldContain("hv_remote_total{region=\"us\"} 6\n");
        root.WithLabelValues("us").Get().ShouldBe(6);
    }

    [PortableFact]
    public async Task A_gauge_shows_the_shared_value_for_an_export_then_gets_its_own_value_back()
    {
        var registry = PromMetrics.NewCustomRegistry();
        var gauge = PromMetrics.WithCustomRegistry(registry).CreateGauge("hv_queue", "Queue.");
        gauge.Set(4);
        await _harvester.HarvestAndShowAsync(registry, CancellationToken.None);
        // Another writer's value on a shared (pytheus) gauge would be added; in-process the gauge has one writer, so the
        // shown value is this process's. Write it under prometheus-net's feet to see show and restore apart.
        var series = (Metrics.Gauge)_binder.Child(((ICollector<Gauge.Child>)gauge).Unlabelled);
        series.Set(10);
        await _harvester.HarvestAndShowAsync(registry, CancellationToken.None);
        gauge.Value.ShouldBe(10);

        _harvester.HarvestAll([registry], restoreShownBefore: long.MaxValue, wait: true);

        gauge.Value.ShouldBe(4);
        gauge.Set(7);
        _harvester.HarvestAll([registry], restoreShownBefore: long.MaxValue, wait: true);
        series.Get().ShouldBe(7);
    }

    [PortableFact]
    public async Task Release_moves_what_is_left_and_leaves_prometheus_net_storage_at_zero()
    {
        var registry = PromMetrics.NewCustomRegistry();
        var counter = PromMetrics.WithCustomRegistry(registry).CreateCounter("hv_release_total", "Released.");
        counter.Inc(3);
        await _harvester.HarvestAndShowAsync(registry, CancellationToken.None);
        counter.Inc(2);

        _harvester.HarvestAll([registry], long.MaxValue, wait: true, release: true);

        PrometheusNetStorage.CounterValue(((ICollector<Counter.Child>)counter).Unlabelled).ShouldBe(0);
        ((Metrics.Counter)_binder.Child(((ICollector<Counter.Child>)counter).Unlabelled)).Get().ShouldBe(5);
        counter.Inc(1);
        _harvester.HarvestAll([registry], long.MaxValue, wait: true);
        ((Metrics.Counter)_binder.Child(((ICollector<Counter.Child>)counter).Unlabelled)).Get().ShouldBe(6);
    }

    private async Task<string> Export(CollectorRegistry registry)
    {
        await _harvester.HarvestAndShowAsync(registry, CancellationToken.None);
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
