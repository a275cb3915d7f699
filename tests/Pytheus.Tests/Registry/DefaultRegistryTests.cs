using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Registry;

[Collection("Globals")]
public class DefaultRegistryTests
{
    [Fact]
    public void Metrics_join_the_default_registry_unless_told_otherwise_and_exposition_reads_it_by_default()
    {
        var previous = CollectorRegistry.Default;
        var registry = new CollectorRegistry(prefix: "dflt");
        try
        {
            CollectorRegistry.Default = registry;
            var counter = new Counter("joined_total", "Joined");
            new Counter("elsewhere_total", "Elsewhere", registry: new CollectorRegistry());
            new Counter("nowhere_total", "Nowhere", registry: CollectorRegistry.None);
            counter.Inc();

            registry.Collectors.ShouldBe([counter.Family]);
            MetricsExposition.GenerateMetrics().ShouldBe("# HELP dflt_joined_total Joined\n# TYPE dflt_joined_total counter\ndflt_joined_total 1\n");
        }
        finally
        {
            CollectorRegistry.Default = previous;
        }
    }

    [Fact]
    public void Replacing_the_default_registry_leaves_earlier_metrics_where_they_were()
    {
        var previous = CollectorRegistry.Default;
        var first = new CollectorRegistry();
        var second = new CollectorRegistry();
        try
        {
            CollectorRegistry.Default = first;
            var early = new Counter("early_total", "Early");
            CollectorRegistry.Default = second;
            var late = new Counter("late_total", "Late");

            first.Collectors.ShouldBe([early.Family]);
            second.Collectors.ShouldBe([late.Family]);
            Should.Throw<ArgumentNullException>(() => CollectorRegistry.Default = null!);
        }
        finally
        {
            CollectorRegistry.Default = previous;
        }
    }
}
