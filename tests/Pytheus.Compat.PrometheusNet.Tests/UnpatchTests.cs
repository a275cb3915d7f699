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
        var child = PromMetrics.WithCustomRegistry(registry).CreateCounter("undo_total", "Undo.", ["k"]).WithLabels("a");
        child.Inc(2);
        PrometheusNetStorage.CounterValue(child).ShouldBe(0);

        Compat.UnpatchClient();
        try
        {
            Compat.Active.ShouldBeNull();
            child.Inc(3);
            PrometheusNetStorage.CounterValue(child).ShouldBe(3);
            child.Value.ShouldBe(3);
        }
        finally
        {
            Compat.PatchClient(new PatchOptions { Registry = fixture.Registry, Backend = fixture.Backend });
        }

        child.Inc(1);
        child.Value.ShouldBe(2 + 1);
        PrometheusNetStorage.CounterValue(child).ShouldBe(3);

        // The 3 recorded by prometheus-net while unpatched are folded into the series at the next export.
        (await CompatTests.Export(registry)).ShouldContain("undo_total{k=\"a\"} 6\n");
        PrometheusNetStorage.CounterValue(child).ShouldBe(0);
    }
}
