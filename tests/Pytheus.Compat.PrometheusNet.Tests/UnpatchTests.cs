using Prometheus;
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
}
