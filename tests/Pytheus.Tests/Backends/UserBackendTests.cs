using Pytheus.Backends;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Backends;

/// <summary>A user-written <see cref="IBackend"/> passed to metrics explicitly (no global state touched).</summary>
public class UserBackendTests
{
    private readonly CollectorRegistry _registry = new();
    private readonly RecordingBackend _backend = new();

    [Fact]
    public void A_counter_asks_for_one_value_per_series_with_its_label_values()
    {
        var counter = new Counter("jobs_total", "Jobs", ["queue"], registry: _registry, backend: _backend);

        counter.Labels(("queue", "fast")).Inc();
        counter.Labels(("queue", "fast")).Inc();
        counter.Labels(("queue", "slow")).Inc();

        _backend.Created.Select(c => c.Descriptor).ShouldSatisfyAllConditions(
            d => d.Count().ShouldBe(2),
            d => d.ShouldAllBe(x => x.Definition == counter.Family.Definition && x.Index == 0 && x.Kind == ValueKind.Value && double.IsNaN(x.UpperBound)),
            d => d.Select(x => x.LabelValues.Single()).ShouldBe(["fast", "slow"]));
    }

    [Fact]
    public void An_unlabelled_gauge_asks_for_its_value_at_creation()
    {
        var gauge = new Gauge("temp", "Temp", registry: _registry, backend: _backend);

        var descriptor = _backend.Created.Single().Descriptor;

        descriptor.Definition.ShouldBeSameAs(gauge.Family.Definition);
        descriptor.LabelValues.ShouldBeEmpty();
        descriptor.Kind.ShouldBe(ValueKind.Value);
        gauge.Family.Backend.ShouldBeSameAs(_backend);
    }

    [Fact]
    public void A_histogram_asks_for_one_value_per_bucket_then_its_sum()
    {
        var histogram = new Histogram("latency", "Latency", ["route"], new Dictionary<string, string> { ["route"] = "/" },
            buckets: [0.5, 2], registry: _registry, backend: _backend);

        var descriptors = _backend.Created.Select(c => c.Descriptor).ToList();

        histogram.Family.ValueLayout.ShouldBe([ValueKind.Bucket, ValueKind.Bucket, ValueKind.Bucket, ValueKind.Sum]);
        descriptors.Select(d => d.Index).ShouldBe([0, 1, 2, 3], ignoreOrder: true);
        descriptors.ShouldAllBe(d => d.LabelValues.Count == 1 && d.LabelValues[0] == "/");
        descriptors.OrderBy(d => d.Index).Select(d => d.Kind).ShouldBe([ValueKind.Bucket, ValueKind.Bucket, ValueKind.Bucket, ValueKind.Sum]);
        descriptors.Where(d => d.Kind == ValueKind.Bucket).OrderBy(d => d.Index).Select(d => d.UpperBound)
            .ShouldBe([0.5, 2, double.PositiveInfinity]);
        double.IsNaN(descriptors.Single(d => d.Kind == ValueKind.Sum).UpperBound).ShouldBeTrue();
    }

    [Fact]
    public void A_summary_asks_for_its_sum_and_count()
    {
        var summary = new Summary("sizes", "Sizes", registry: _registry, backend: _backend);

        _backend.Created.Select(c => (c.Descriptor.Index, c.Descriptor.Kind)).ShouldBe([(0, ValueKind.Sum), (1, ValueKind.Count)], ignoreOrder: true);
        summary.Family.ValueLayout.ShouldBe([ValueKind.Sum, ValueKind.Count]);
    }

    [Fact]
    public void Histogram_buckets_store_one_count_per_observation_not_cumulative()
    {
        var histogram = new Histogram("latency", "Latency", buckets: [0.5, 2], registry: _registry, backend: _backend);

        histogram.Observe(0.1);
        histogram.Observe(1);
        histogram.Observe(1.5);

        StoreFor(ValueKind.Bucket, 0).Get().ShouldBe(1);
        StoreFor(ValueKind.Bucket, 1).Get().ShouldBe(2);
        StoreFor(ValueKind.Bucket, 2).Get().ShouldBe(0);
        StoreFor(ValueKind.Sum, 3).Get().ShouldBe(2.6);
    }

    [Fact]
    public void Values_held_by_the_backend_are_what_is_exposed()
    {
        var counter = new Counter("jobs_total", "Jobs", ["queue"], registry: _registry, backend: _backend);
        counter.Labels(("queue", "fast")).Inc();
        var summary = new Summary("sizes", "Sizes", registry: _registry, backend: _backend);

        _backend.Created.Single(c => c.Descriptor.Definition == counter.Family.Definition).Store.Set(41);
        _backend.Created.Single(c => c.Descriptor.Definition == summary.Family.Definition && c.Descriptor.Kind == ValueKind.Sum).Store.Set(7.5);
        _backend.Created.Single(c => c.Descriptor.Definition == summary.Family.Definition && c.Descriptor.Kind == ValueKind.Count).Store.Set(3);

        MetricsExposition.GenerateMetrics(_registry).ShouldBe(
            """
            # HELP jobs_total Jobs
            # TYPE jobs_total counter
            jobs_total{queue="fast"} 41
            # HELP sizes Sizes
            # TYPE sizes summary
            sizes_sum 7.5
            sizes_count 3

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Recreating_a_metric_reuses_the_stores_instead_of_asking_again()
    {
        var first = new Counter("jobs_total", "Jobs", registry: _registry, backend: _backend);
        var second = new Counter("jobs_total", "Jobs", registry: _registry, backend: _backend);

        second.Inc();

        _backend.Created.Count.ShouldBe(1);
        first.Get().ShouldBe(1);
    }

    [Fact]
    public void Metrics_on_different_backends_live_side_by_side()
    {
        var other = new RecordingBackend();
        new Counter("a_total", "A", registry: _registry, backend: _backend).Inc();
        new Counter("b_total", "B", registry: _registry, backend: other).Inc(2);

        _backend.Created.Single().Store.Get().ShouldBe(1);
        other.Created.Single().Store.Get().ShouldBe(2);
    }

    private IValueStore StoreFor(ValueKind kind, int index) =>
        _backend.Created.Single(c => c.Descriptor.Kind == kind && c.Descriptor.Index == index).Store;
}
