using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Registry;

public class CustomCollectorTests
{
    private readonly CollectorRegistry _registry = new(prefix: "app");

    [Fact]
    public void Its_name_is_its_type_name_in_lower_case()
    {
        new CatCollector().Name.ShouldBe("catcollector");
    }

    [Fact]
    public void Is_registered_and_exposed_without_the_registry_prefix()
    {
        new Counter("normal_total", "Normal", registry: _registry).Inc();
        var collector = new CatCollector();

        _registry.Register(collector);

        _registry.Collectors.Last().ShouldBeSameAs(collector);
        MetricsExposition.GenerateMetrics(_registry).ShouldBe(
            """
            # HELP app_normal_total Normal
            # TYPE app_normal_total counter
            app_normal_total 1
            # HELP name desc
            # TYPE name counter
            name{bob="cat"} 2.7

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Exposes_every_yielded_metric_in_yield_order_and_collects_at_every_scrape()
    {
        var collector = new TwoCountersCollector();
        _registry.Register(collector);
        var callsAfterRegistration = collector.Calls;

        var first = MetricsExposition.GenerateMetrics(_registry);
        var second = MetricsExposition.GenerateMetrics(_registry);

        callsAfterRegistration.ShouldBe(1);
        collector.Calls.ShouldBe(3);
        first.ShouldBe(
            """
            # HELP name desc
            # TYPE name counter
            name 1
            # HELP second desc
            # TYPE second counter
            second 3

            """.ReplaceLineEndings("\n"));
        second.ShouldBe(first.Replace("name 1", "name 2", StringComparison.Ordinal));
    }

    [Fact]
    public void A_yielded_name_already_registered_is_rejected_at_registration()
    {
        var counter = new Counter("name", "Taken", registry: _registry);

        var e = Should.Throw<MetricConflictException>(() => _registry.Register(new CatCollector()));

        e.Message.ShouldContain("'catcollector'");
        e.Message.ShouldContain("'name'");
        _registry.Collectors.ShouldBe([counter.Family]);
    }

    [Fact]
    public void A_second_collector_of_the_same_name_is_rejected()
    {
        var first = new CatCollector();
        _registry.Register(first);

        Should.Throw<MetricConflictException>(() => _registry.Register(new CatCollector())).Message.ShouldContain("'catcollector'");
        _registry.Collectors.ShouldBe([first]);
    }

    [Fact]
    public void A_metric_cannot_take_the_name_of_a_registered_collector()
    {
        _registry.Register(new CatCollector());

        Should.Throw<MetricConflictException>(() => new Counter("catcollector", "d", registry: _registry)).Message.ShouldContain("'catcollector'");
    }

    [Fact]
    public void Unregister_by_collector_or_by_name()
    {
        var collector = new CatCollector();
        _registry.Register(collector);
        _registry.Unregister(collector).ShouldBeTrue();
        _registry.Collectors.ShouldBeEmpty();

        _registry.Register(collector);
        _registry.Unregister("catcollector").ShouldBeTrue();
        _registry.Collectors.ShouldBeEmpty();
        MetricsExposition.GenerateMetrics(_registry).ShouldBe(string.Empty);
    }

    [Fact]
    public void Registry_None_refuses_custom_collectors()
    {
        Should.Throw<InvalidOperationException>(() => CollectorRegistry.None.Register(new CatCollector()));
    }

    private sealed class CatCollector : CustomCollector
    {
        public override IEnumerable<Metric> CollectMetrics()
        {
            var counter = new Counter("name", "desc", ["bob"], registry: CollectorRegistry.None);
            counter.Labels(("bob", "cat")).Inc(2.7);
            yield return counter;
        }
    }

    private sealed class TwoCountersCollector : CustomCollector
    {
        public int Calls { get; private set; }

        public override IEnumerable<Metric> CollectMetrics()
        {
            Calls++;
            var first = new Counter("name", "desc", registry: CollectorRegistry.None);
            first.Inc(Calls - 1);
            var second = new Counter("second", "desc", registry: CollectorRegistry.None);
            second.Inc(3);
            yield return first;
            yield return second;
        }
    }
}
