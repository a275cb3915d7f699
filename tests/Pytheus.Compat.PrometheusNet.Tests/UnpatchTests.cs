using Prometheus;
using PromMetrics = Prometheus.Metrics;

namespace Pytheus.Compat.PrometheusNet.Tests;

[Collection(PatchedCollection.Name)]
public class UnpatchTests(PatchedFixture fixture)
{
    [Fact]
    public void Unpatching_restores_prometheus_net_and_patching_again_redirects_again()
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

        // The 3 that went to prometheus-net while unpatched are folded back when the binding next looks.
        child.Inc(1);
        child.Value.ShouldBe(2 + 1 + 3);
    }
}
