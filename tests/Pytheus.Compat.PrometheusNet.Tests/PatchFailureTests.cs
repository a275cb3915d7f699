using System.Reflection;
using Prometheus;
using Pytheus.Compat.PrometheusNet.Patching;
using PromMetrics = Prometheus.Metrics;

namespace Pytheus.Compat.PrometheusNet.Tests;

/// <summary>PatchClient() fails closed: a refusal, or a failure half-way, leaves prometheus-net exactly as it was.</summary>
[Collection(PatchedCollection.Name)]
public class PatchFailureTests(PatchedFixture fixture)
{
    [Fact]
    public void A_refusing_engine_leaves_prometheus_net_unpatched()
    {
        WhileUnpatched(() =>
        {
            Should.Throw<PlatformNotSupportedException>(() => Compat.PatchClient(new PatchOptions { Detourer = new FailingDetourer(0) }));

            Compat.Active.ShouldBeNull();
            AssertPrometheusNetUsesItsOwnStorage();
        });
    }

    [Fact]
    public void A_failure_half_way_undoes_the_redirects_already_made()
    {
        WhileUnpatched(() =>
        {
            Should.Throw<PlatformNotSupportedException>(() => Compat.PatchClient(new PatchOptions { Detourer = new FailingDetourer(4) }));

            Compat.Active.ShouldBeNull();
            AssertPrometheusNetUsesItsOwnStorage();
        });
    }

    private static void AssertPrometheusNetUsesItsOwnStorage()
    {
        var child = PromMetrics.WithCustomRegistry(PromMetrics.NewCustomRegistry()).CreateCounter("refused_total", "Refused.", "k").WithLabels("a");
        child.Inc(2);
        PrometheusNetStorage.CounterValue(child).ShouldBe(2);
        child.Value.ShouldBe(2);
    }

    private void WhileUnpatched(Action test)
    {
        Compat.UnpatchClient();
        try
        {
            test();
        }
        finally
        {
            Compat.PatchClient(new PatchOptions { Registry = fixture.Registry, Backend = fixture.Backend });
        }
    }

    /// <summary>The real engine for the first <c>succeed</c> redirects, then a refusal, as on an unknown platform.</summary>
    private sealed class FailingDetourer(int succeed) : IMethodDetourer
    {
        private readonly IMethodDetourer _engine = MethodDetourer.Create();
        private int _made;

        public IMethodDetour Redirect(MethodBase target, MethodInfo replacement) =>
            _made++ < succeed ? _engine.Redirect(target, replacement) : throw new PlatformNotSupportedException("refused for the test");
    }
}
