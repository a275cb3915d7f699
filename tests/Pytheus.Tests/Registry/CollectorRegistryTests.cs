using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Registry;

public class CollectorRegistryTests
{
    private readonly CollectorRegistry _registry = new();

    private string Exposed(CollectorRegistry? registry = null) => MetricsExposition.GenerateMetrics(registry ?? _registry);

    [Fact]
    public void A_new_registry_is_empty_and_exposes_nothing()
    {
        _registry.Collectors.ShouldBeEmpty();
        _registry.Prefix.ShouldBeNull();
        Exposed().ShouldBe(string.Empty);
    }

    [Fact]
    public void Holds_families_in_registration_order()
    {
        var counter = new Counter("c_total", "C", registry: _registry);
        var histogram = new Histogram("h", "H", registry: _registry);

        _registry.Collectors.ShouldBe([counter.Family, histogram.Family]);
    }

    [Fact]
    public void The_prefix_is_applied_at_exposition_only()
    {
        var registry = new CollectorRegistry(prefix: "testing");
        var counter = new Counter("http_req_total", "Requests", ["p", "m"], registry: registry);
        counter.Labels(("p", "/"), ("m", "GET")).Inc(3);
        new Counter("exception_total", "Exceptions", registry: registry).Inc(4);

        registry.Prefix.ShouldBe("testing");
        counter.Name.ShouldBe("http_req_total");
        Exposed(registry).ShouldBe(
            """
            # HELP testing_http_req_total Requests
            # TYPE testing_http_req_total counter
            testing_http_req_total{p="/",m="GET"} 3
            # HELP testing_exception_total Exceptions
            # TYPE testing_exception_total counter
            testing_exception_total 4

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void An_empty_prefix_means_none()
    {
        var registry = new CollectorRegistry(prefix: "");
        new Counter("c_total", "C", registry: registry);

        registry.Prefix.ShouldBeNull();
        Exposed(registry).ShouldStartWith("# HELP c_total C\n");
    }

    [Theory]
    [InlineData("bad.prefix")]
    [InlineData("1x")]
    [InlineData("a b")]
    public void An_invalid_prefix_is_rejected(string prefix)
    {
        Should.Throw<InvalidMetricNameException>(() => new CollectorRegistry(prefix)).Message.ShouldContain($"'{prefix}'");
    }

    [Fact]
    public void Recreating_a_metric_with_the_same_definition_binds_to_the_same_series()
    {
        // pytheus kept the first and silently dropped the second's values from the output.
        var first = new Counter("jobs_total", "Jobs", registry: _registry);
        var second = new Counter("jobs_total", "Jobs", registry: _registry);

        first.Inc();
        second.Inc(2);

        first.Get().ShouldBe(3);
        second.Get().ShouldBe(3);
        second.Family.ShouldBeSameAs(first.Family);
        _registry.Collectors.Count.ShouldBe(1);
        Exposed().ShouldBe("# HELP jobs_total Jobs\n# TYPE jobs_total counter\njobs_total 3\n");
    }

    [Fact]
    public void Recreated_labelled_metrics_share_their_children()
    {
        var first = new Histogram("latency", "Latency", ["route"], buckets: [1], registry: _registry);
        var second = new Histogram("latency", "Latency", ["route"], buckets: [1, double.PositiveInfinity], registry: _registry);

        first.Labels(("route", "/")).Observe(0.5);
        second.Labels(("route", "/")).Observe(2);

        second.Labels(("route", "/")).ShouldBeSameAs(first.Labels(("route", "/")));
        first.Labels(("route", "/")).GetCount().ShouldBe(2);
        _registry.Collectors.Count.ShouldBe(1);
    }

    [Fact]
    public void Recreated_metrics_with_defaults_share_the_default_series()
    {
        var defaults = new Dictionary<string, string> { ["env"] = "prod" };
        var first = new Gauge("temp", "Temp", ["env"], defaults, registry: _registry);
        var second = new Gauge("temp", "Temp", ["env"], new Dictionary<string, string> { ["env"] = "prod" }, registry: _registry);

        first.Inc(1);
        second.Inc(2);

        first.Get().ShouldBe(3);
        Exposed().ShouldBe("# HELP temp Temp\n# TYPE temp gauge\ntemp{env=\"prod\"} 3\n");
    }

    [Fact]
    public void A_different_type_under_the_same_name_conflicts()
    {
        var counter = new Counter("thing", "Thing", registry: _registry);
        counter.Inc();

        var e = Should.Throw<MetricConflictException>(() => new Gauge("thing", "Thing", registry: _registry));

        e.Message.ShouldContain("'thing'");
        e.Message.ShouldContain("counter");
        e.Message.ShouldContain("gauge");
        _registry.Collectors.ShouldBe([counter.Family]);
        counter.Get().ShouldBe(1);
    }

    [Fact]
    public void Different_labels_under_the_same_name_conflict()
    {
        new Counter("thing", "Thing", ["a"], registry: _registry);

        var other = Should.Throw<MetricConflictException>(() => new Counter("thing", "Thing", ["b"], registry: _registry));
        other.Message.ShouldContain("'thing'");
        other.Message.ShouldContain("[a] vs [b]");
        Should.Throw<MetricConflictException>(() => new Counter("thing", "Thing", registry: _registry));
        Should.Throw<MetricConflictException>(() => new Counter("thing", "Thing", ["a", "b"], registry: _registry));
        _registry.Collectors.Count.ShouldBe(1);
    }

    [Fact]
    public void Label_order_is_part_of_the_definition()
    {
        new Counter("thing", "Thing", ["a", "b"], registry: _registry);

        Should.Throw<MetricConflictException>(() => new Counter("thing", "Thing", ["b", "a"], registry: _registry)).Message.ShouldContain("'thing'");
    }

    [Fact]
    public void Different_default_labels_under_the_same_name_conflict()
    {
        new Counter("thing", "Thing", ["a"], new Dictionary<string, string> { ["a"] = "1" }, registry: _registry);

        var e = Should.Throw<MetricConflictException>(() =>
            new Counter("thing", "Thing", ["a"], new Dictionary<string, string> { ["a"] = "2" }, registry: _registry));

        e.Message.ShouldContain("'thing'");
        e.Message.ShouldContain("default");
    }

    [Fact]
    public void Different_buckets_under_the_same_name_conflict()
    {
        new Histogram("latency", "Latency", buckets: [1, 2], registry: _registry);

        var e = Should.Throw<MetricConflictException>(() => new Histogram("latency", "Latency", buckets: [1, 3], registry: _registry));

        e.Message.ShouldContain("'latency'");
        e.Message.ShouldContain("buckets");
        e.Message.ShouldContain("3");
    }

    [Fact]
    public void Unregister_by_metric_removes_the_family()
    {
        var counter = new Counter("c_total", "C", registry: _registry);
        var gauge = new Gauge("g", "G", registry: _registry);

        _registry.Unregister(counter).ShouldBeTrue();
        _registry.Unregister(counter).ShouldBeFalse();

        _registry.Collectors.ShouldBe([gauge.Family]);
    }

    [Fact]
    public void Unregister_by_collector_and_by_name()
    {
        var counter = new Counter("c_total", "C", registry: _registry);
        var gauge = new Gauge("g", "G", registry: _registry);

        _registry.Unregister(counter.Family).ShouldBeTrue();
        _registry.Unregister("g").ShouldBeTrue();
        _registry.Unregister("g").ShouldBeFalse();
        _registry.Unregister("never_there").ShouldBeFalse();

        _registry.Collectors.ShouldBeEmpty();
        Exposed().ShouldBe(string.Empty);
        gauge.Inc();
        gauge.Get().ShouldBe(1);
    }

    [Fact]
    public void After_unregistering_a_name_may_be_reused_with_another_definition()
    {
        var counter = new Counter("thing", "Thing", registry: _registry);
        counter.Inc(5);
        _registry.Unregister(counter);

        var gauge = new Gauge("thing", "Thing", registry: _registry);

        gauge.Get().ShouldBe(0);
        Exposed().ShouldBe("# HELP thing Thing\n# TYPE thing gauge\nthing 0\n");
    }

    [Fact]
    public void Clear_removes_everything()
    {
        new Counter("c_total", "C", registry: _registry);
        new Gauge("g", "G", registry: _registry);

        _registry.Clear();

        _registry.Collectors.ShouldBeEmpty();
    }

    [Fact]
    public void A_metric_can_also_be_registered_in_a_second_registry()
    {
        var other = new CollectorRegistry(prefix: "other");
        var counter = new Counter("c_total", "C", registry: _registry);
        counter.Inc(2);

        other.Register(counter);
        other.Register(counter);

        other.Collectors.ShouldBe([counter.Family]);
        Exposed(other).ShouldBe("# HELP other_c_total C\n# TYPE other_c_total counter\nother_c_total 2\n");
    }

    [Fact]
    public void Registering_a_metric_where_another_holds_its_name_conflicts()
    {
        var other = new CollectorRegistry();
        new Gauge("thing", "Thing", registry: other);
        var counter = new Counter("thing", "Thing", registry: _registry);

        Should.Throw<MetricConflictException>(() => other.Register(counter)).Message.ShouldContain("'thing'");
    }

    [Fact]
    public void Registry_None_holds_nothing_and_metrics_in_it_are_independent()
    {
        var first = new Counter("loose_total", "Loose", registry: CollectorRegistry.None);
        var second = new Gauge("loose_total", "Loose", registry: CollectorRegistry.None);

        first.Inc();

        second.Get().ShouldBe(0);
        CollectorRegistry.None.Collectors.ShouldBeEmpty();
        Exposed(CollectorRegistry.None).ShouldBe(string.Empty);
    }
}
