using Prometheus;
using Pytheus.Compat.PrometheusNet.Redirects;
using PromMetrics = Prometheus.Metrics;

namespace Pytheus.Compat.PrometheusNet.Tests;

[Collection(PatchedCollection.Name)]
public class UnpatchTests(PatchedFixture fixture)
{
    [Fact]
    public async Task Unpatching_restores_prometheus_net_and_patching_again_continues_the_same_series()
    {
        var registry = PromMetrics.NewCustomRegistry();
        Compat.Attach(registry);
        var child = PromMetrics.WithCustomRegistry(registry).CreateCounter("undo_total", "Undo.", ["k"]).WithLabels("a");
        child.Inc(2);
        PrometheusNetStorage.CounterValue(child).ShouldBe(ActiveStrategy.Stored(2));

        Compat.UnpatchClient();
        try
        {
            Compat.Active.ShouldBeNull();
            child.Inc(3);
            // Either strategy leaves prometheus-net's storage at 0 when undone (the portable one after a last harvest).
            PrometheusNetStorage.CounterValue(child).ShouldBe(3);
            child.Value.ShouldBe(3);
        }
        finally
        {
            Compat.PatchClient(new PatchOptions { Registry = fixture.Registry, Backend = fixture.Backend });
        }

        child.Inc(1);
        // Detour: reads come from the backend (the 3 recorded while unpatched are not folded yet). Portable: prometheus-net's
        // storage, which undo left at 0, holds the 3 recorded while unpatched and the 1 since.
        child.Value.ShouldBe(ActiveStrategy.IsPortable ? 3 + 1 : 2 + 1);
        PrometheusNetStorage.CounterValue(child).ShouldBe(ActiveStrategy.IsPortable ? 3 + 1 : 3);

        // The 3 recorded by prometheus-net while unpatched are folded into the series at the next export.
        (await CompatTests.Export(registry)).ShouldContain("undo_total{k=\"a\"} 6\n");
        PrometheusNetStorage.CounterValue(child).ShouldBe(ActiveStrategy.Stored(6));
    }

    [Fact]
    public async Task A_replacement_reached_while_unpatched_runs_prometheus_net()
    {
        var registry = PromMetrics.NewCustomRegistry();
        var factory = PromMetrics.WithCustomRegistry(registry);
        var counter = factory.CreateCounter("undo_race_total", "Undo race.", ["k"]).WithLabels("a");
        var gauge = factory.CreateGauge("undo_race_gauge", "Undo race.", ["k"]).WithLabels("a");
        var histogram = factory.CreateHistogram("undo_race_seconds", "Undo race.", new HistogramConfiguration { LabelNames = ["k"], Buckets = [1] }).WithLabels("a");

        Compat.UnpatchClient();
        try
        {
            // What a call that read the method's entry point just before the undo reaches: the replacement itself.
            CounterRedirects.Inc(counter, 2, null);
            GaugeRedirects.Set(gauge, 5);
            GaugeRedirects.Inc(gauge, 1);
            HistogramRedirects.ObserveInternal(histogram, 0.5, 1, null);

            PrometheusNetStorage.CounterValue(counter).ShouldBe(2);
            PrometheusNetStorage.GaugeValue(gauge).ShouldBe(6);
            PrometheusNetStorage.HistogramSum(histogram).ShouldBe(0.5);
            CounterRedirects.GetValue(counter).ShouldBe(2);
            GaugeRedirects.GetValue(gauge).ShouldBe(6);
            HistogramRedirects.GetCount(histogram).ShouldBe(1);
            Should.Throw<ArgumentOutOfRangeException>(() => CounterRedirects.Inc(counter, -1, null));
            (await CompatTests.Export(registry)).ShouldContain("undo_race_seconds_bucket{k=\"a\",le=\"1\"} 1\n");
        }
        finally
        {
            Compat.PatchClient(new PatchOptions { Registry = fixture.Registry, Backend = fixture.Backend });
        }
    }
}
