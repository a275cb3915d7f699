using Pytheus.Backends;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Metrics;

/// <summary>What every metric type shares: name validation, its properties, and not being left registered when it fails.</summary>
public class MetricTests
{
    private readonly CollectorRegistry _registry = new();

    [Theory]
    [InlineData("prometheus_notifications_total")]
    [InlineData("process_cpu_seconds_total")]
    [InlineData("http_request_duration_seconds")]
    [InlineData("node_memory_usage_bytes")]
    [InlineData("http_requests_total")]
    [InlineData("foobar_build_info")]
    [InlineData("data_pipeline_last_record_processed_timestamp_seconds")]
    [InlineData("a:b")]
    [InlineData("_x")]
    [InlineData(":x")]
    [InlineData("X9")]
    public void Valid_metric_names_are_accepted(string name)
    {
        var counter = new Counter(name, "d", registry: _registry);

        counter.Name.ShouldBe(name);
        _registry.Collectors.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("invalid.name")]
    [InlineData("µx")]
    [InlineData("µspecialcharacter")]
    [InlineData("http_req@st_total")]
    [InlineData("http{x}")]
    [InlineData("http{request}")]
    [InlineData("")]
    [InlineData("1abc")]
    [InlineData("with space")]
    [InlineData("with-dash")]
    public void Invalid_metric_names_are_rejected_for_every_type_and_nothing_is_registered(string name)
    {
        Should.Throw<InvalidMetricNameException>(() => new Counter(name, "d", registry: _registry)).Message.ShouldContain($"'{name}'");
        Should.Throw<InvalidMetricNameException>(() => new Gauge(name, "d", registry: _registry));
        Should.Throw<InvalidMetricNameException>(() => new Histogram(name, "d", registry: _registry));
        Should.Throw<InvalidMetricNameException>(() => new Summary(name, "d", registry: _registry));

        _registry.Collectors.ShouldBeEmpty();
    }

    [Fact]
    public void A_null_metric_name_is_rejected()
    {
        Should.Throw<InvalidMetricNameException>(() => new Counter(null!, "d", registry: _registry));
        _registry.Collectors.ShouldBeEmpty();
    }

    [Fact]
    public void A_null_description_is_rejected_and_nothing_is_registered()
    {
        Should.Throw<ArgumentNullException>(() => new Counter("c", null!, registry: _registry));
        _registry.Collectors.ShouldBeEmpty();
    }

    [Fact]
    public void Exposes_name_description_type_and_required_labels()
    {
        var gauge = new Gauge("queue_length", "Jobs waiting", ["queue", "tier"], registry: _registry);

        gauge.Name.ShouldBe("queue_length");
        gauge.Description.ShouldBe("Jobs waiting");
        gauge.Type.ShouldBe(MetricType.Gauge);
        gauge.RequiredLabels.ShouldBe(["queue", "tier"]);
        gauge.ToString().ShouldBe("Gauge(queue_length)");
        gauge.Labels(("queue", "q"), ("tier", "t")).ToString().ShouldBe("Gauge(queue_length)");
        gauge.Family.Name.ShouldBe("queue_length");
        gauge.Family.Help.ShouldBe("Jobs waiting");
    }

    [Fact]
    public void A_metric_registers_its_family_in_the_given_registry()
    {
        var counter = new Counter("c", "d", registry: _registry);

        _registry.Collectors.ShouldBe([counter.Family]);
    }

    [Fact]
    public void Registry_None_keeps_a_metric_out_of_every_registry_but_it_still_counts()
    {
        var counter = new Counter("c", "d", registry: CollectorRegistry.None);

        counter.Inc(2);

        counter.Get().ShouldBe(2);
        CollectorRegistry.None.Collectors.ShouldBeEmpty();
    }

    [Fact]
    public void A_metric_with_bad_buckets_bad_labels_or_bad_defaults_is_not_left_registered()
    {
        Should.Throw<BucketException>(() => new Histogram("m", "d", buckets: [2, 1], registry: _registry));
        Should.Throw<LabelValidationException>(() => new Counter("m", "d", ["__x"], registry: _registry));
        Should.Throw<LabelValidationException>(() => new Gauge("m", "d", ["a"], new Dictionary<string, string> { ["b"] = "1" }, registry: _registry));
        Should.Throw<LabelValidationException>(() => new Histogram("m", "d", ["le"], registry: _registry));
        Should.Throw<LabelValidationException>(() => new Summary("m", "d", ["quantile"], registry: _registry));

        _registry.Collectors.ShouldBeEmpty();
        new Counter("m", "d", registry: _registry).Inc();
        _registry.Collectors.Count.ShouldBe(1);
    }

    [Fact]
    public void A_metric_whose_backend_fails_to_create_its_stores_is_not_left_registered()
    {
        var e = Should.Throw<InvalidOperationException>(() =>
            new Counter("m", "d", registry: _registry, backend: new FailingBackend()));

        e.Message.ShouldBe("no store today");
        _registry.Collectors.ShouldBeEmpty();
    }

    private sealed class FailingBackend : IBackend
    {
        public IValueStore CreateStore(ValueDescriptor descriptor) => throw new InvalidOperationException("no store today");
    }
}
