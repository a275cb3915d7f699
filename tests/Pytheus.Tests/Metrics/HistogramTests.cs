using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Metrics;

public class HistogramTests
{
    private static readonly TimeSpan Nap = TimeSpan.FromMilliseconds(20);
    private readonly CollectorRegistry _registry = new();

    [Fact]
    public void Has_histogram_type_and_pytheus_default_buckets_plus_inf()
    {
        var histogram = new Histogram("latency_seconds", "Latency", registry: _registry);

        histogram.Type.ShouldBe(MetricType.Histogram);
        histogram.UpperBounds.ShouldBe([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, double.PositiveInfinity]);
        Buckets.Default.ShouldBe([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
    }

    [Fact]
    public void Empty_buckets_mean_the_defaults()
    {
        var histogram = new Histogram("latency_seconds", "Latency", buckets: [], registry: _registry);

        histogram.UpperBounds.ShouldBe([.. Buckets.Default, double.PositiveInfinity]);
    }

    [Fact]
    public void Custom_buckets_get_inf_appended()
    {
        var histogram = new Histogram("h", "H", buckets: [0.2, 0.5, 1], registry: _registry);

        histogram.UpperBounds.ShouldBe([0.2, 0.5, 1, double.PositiveInfinity]);
    }

    [Fact]
    public void A_trailing_inf_is_accepted_and_not_doubled()
    {
        var histogram = new Histogram("h", "H", buckets: [0.2, 0.5, 1, double.PositiveInfinity], registry: _registry);

        histogram.UpperBounds.ShouldBe([0.2, 0.5, 1, double.PositiveInfinity]);
    }

    [Fact]
    public void Negative_finite_bounds_are_accepted()
    {
        var histogram = new Histogram("h", "H", buckets: [-5, 0], registry: _registry);

        histogram.Observe(-7);
        histogram.Observe(-1);
        histogram.Observe(3);

        histogram.GetBucketCounts().ShouldBe([1, 1, 1]);
    }

    [Theory]
    [InlineData(new[] { 0.2, 1, 0.5 }, "0.5")]
    [InlineData(new[] { 1.0, 1.0, 2.0 }, "1")]
    [InlineData(new[] { 1.0, double.NaN, 2.0 }, "NaN")]
    [InlineData(new[] { 1.0, double.PositiveInfinity, 2.0 }, "+Inf")]
    [InlineData(new[] { double.NegativeInfinity, 0.0 }, "-Inf")]
    [InlineData(new[] { 3.0, 2.0, 1.0 }, "2")]
    public void Invalid_buckets_throw_naming_the_metric_and_the_bound_and_leave_nothing_registered(double[] buckets, string bound)
    {
        var e = Should.Throw<BucketException>(() => new Histogram("bad_buckets", "Bad", buckets: buckets, registry: _registry));

        e.Message.ShouldContain("'bad_buckets'");
        e.Message.ShouldContain(bound);
        _registry.Collectors.ShouldBeEmpty();
    }

    [Fact]
    public void Le_is_a_reserved_label_name()
    {
        var e = Should.Throw<LabelValidationException>(() => new Histogram("h", "H", ["le"], registry: _registry));

        e.Message.ShouldContain("'h'");
        e.Message.ShouldContain("'le'");
        _registry.Collectors.ShouldBeEmpty();
    }

    [Fact]
    public void Quantile_is_allowed_on_a_histogram()
    {
        var histogram = new Histogram("h", "H", ["quantile"], registry: _registry);

        histogram.Labels(("quantile", "x")).Observe(1);

        histogram.Labels(("quantile", "x")).GetCount().ShouldBe(1);
    }

    [Fact]
    public void Observe_puts_each_value_in_exactly_one_bucket()
    {
        var histogram = new Histogram("h", "H", buckets: [0.2, 0.5, 1], registry: _registry);

        histogram.Observe(0.4);

        histogram.GetBucketCounts().ShouldBe([0, 1, 0, 0]);
        histogram.GetSum().ShouldBe(0.4);
        histogram.GetCount().ShouldBe(1);
    }

    [Theory]
    [InlineData(0.1, 0)]
    [InlineData(0.2, 0)]
    [InlineData(0.2000001, 1)]
    [InlineData(0.5, 1)]
    [InlineData(1, 2)]
    [InlineData(1.5, 3)]
    [InlineData(double.PositiveInfinity, 3)]
    [InlineData(double.NegativeInfinity, 0)]
    public void A_value_equal_to_a_bound_belongs_to_that_bucket(double value, int bucket)
    {
        var histogram = new Histogram("h", "H", buckets: [0.2, 0.5, 1], registry: _registry);

        histogram.Observe(value);

        var expected = new double[4];
        expected[bucket] = 1;
        histogram.GetBucketCounts().ShouldBe(expected);
    }

    [Fact]
    public void NaN_lands_in_the_inf_bucket_and_makes_the_sum_NaN()
    {
        var histogram = new Histogram("h", "H", buckets: [1], registry: _registry);

        histogram.Observe(double.NaN);

        histogram.GetBucketCounts().ShouldBe([0, 1]);
        histogram.GetCount().ShouldBe(1);
        double.IsNaN(histogram.GetSum()).ShouldBeTrue();
        MetricsExposition.GenerateMetrics(_registry).ShouldBe(
            """
            # HELP h H
            # TYPE h histogram
            h_bucket{le="1"} 0
            h_bucket{le="+Inf"} 1
            h_sum NaN
            h_count 1

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Exposition_is_cumulative_and_count_equals_the_inf_bucket()
    {
        var histogram = new Histogram("h", "H", buckets: [1, 2, 3], registry: _registry);
        foreach (var value in new[] { 0.5, 1.5, 1.7, 2.7, 99 })
        {
            histogram.Observe(value);
        }

        MetricsExposition.GenerateMetrics(_registry).ShouldBe(
            """
            # HELP h H
            # TYPE h histogram
            h_bucket{le="1"} 1
            h_bucket{le="2"} 3
            h_bucket{le="3"} 4
            h_bucket{le="+Inf"} 5
            h_sum 105.4
            h_count 5

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Exposes_default_buckets_after_one_observation_as_pytheus_does()
    {
        var histogram = new Histogram("hello", "world", registry: _registry);

        histogram.Observe(0.4);

        MetricsExposition.GenerateMetrics(_registry).ShouldBe(
            """
            # HELP hello world
            # TYPE hello histogram
            hello_bucket{le="0.005"} 0
            hello_bucket{le="0.01"} 0
            hello_bucket{le="0.025"} 0
            hello_bucket{le="0.05"} 0
            hello_bucket{le="0.1"} 0
            hello_bucket{le="0.25"} 0
            hello_bucket{le="0.5"} 1
            hello_bucket{le="1"} 1
            hello_bucket{le="2.5"} 1
            hello_bucket{le="5"} 1
            hello_bucket{le="10"} 1
            hello_bucket{le="+Inf"} 1
            hello_sum 0.4
            hello_count 1

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Labelled_children_keep_the_custom_buckets()
    {
        var histogram = new Histogram("h", "H", ["route"], buckets: [0.2, 0.5, 1], registry: _registry);

        var child = histogram.Labels(("route", "/"));

        child.UpperBounds.ShouldBe([0.2, 0.5, 1, double.PositiveInfinity]);
        child.GetBucketCounts().Count.ShouldBe(4);
    }

    [Fact]
    public void Labelled_histogram_exposes_each_child_with_default_series_merged_in_label_order()
    {
        var histogram = new Histogram("hello", "world", ["bob"], new Dictionary<string, string> { ["bob"] = "default" },
            buckets: [1], registry: _registry);

        histogram.Labels(("bob", "a")).Observe(0.4);
        histogram.Observe(7);

        MetricsExposition.GenerateMetrics(_registry).ShouldBe(
            """
            # HELP hello world
            # TYPE hello histogram
            hello_bucket{bob="a",le="1"} 1
            hello_bucket{bob="a",le="+Inf"} 1
            hello_sum{bob="a"} 0.4
            hello_count{bob="a"} 1
            hello_bucket{bob="default",le="1"} 0
            hello_bucket{bob="default",le="+Inf"} 1
            hello_sum{bob="default"} 7
            hello_count{bob="default"} 1

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Time_scope_observes_the_elapsed_seconds_also_on_exception()
    {
        var histogram = new Histogram("h", "H", registry: _registry);

        using (histogram.Time())
        {
            Waits.AtLeast(Nap);
        }
        Should.Throw<InvalidOperationException>(() =>
        {
            using var timer = histogram.Time();
            Waits.AtLeast(Nap);
            throw new InvalidOperationException();
        });

        histogram.GetCount().ShouldBe(2);
        histogram.GetSum().ShouldBeGreaterThanOrEqualTo(2 * Nap.TotalSeconds);
    }

    [Fact]
    public void Disposing_a_timer_twice_observes_once()
    {
        var histogram = new Histogram("h", "H", registry: _registry);

        var timer = histogram.Time();
        timer.Dispose();
        timer.Dispose();

        histogram.GetCount().ShouldBe(1);
    }

    [Fact]
    public async Task Time_delegates_observe_once_per_call_also_on_exception()
    {
        var histogram = new Histogram("h", "H", registry: _registry);

        histogram.Time(() => Waits.AtLeast(Nap));
        histogram.Time(() => 1).ShouldBe(1);
        await histogram.TimeAsync(() => Waits.AtLeastAsync(Nap));
        (await histogram.TimeAsync(() => Task.FromResult("x"))).ShouldBe("x");
        var thrown = new InvalidOperationException();
        Should.Throw<InvalidOperationException>(() => histogram.Time(() => { Waits.AtLeast(Nap); throw thrown; })).ShouldBeSameAs(thrown);
        (await Should.ThrowAsync<InvalidOperationException>(() => histogram.TimeAsync(async () =>
        {
            await Waits.AtLeastAsync(Nap);
            throw thrown;
        }))).ShouldBeSameAs(thrown);

        histogram.GetCount().ShouldBe(6);
        histogram.GetSum().ShouldBeGreaterThanOrEqualTo(4 * Nap.TotalSeconds);
    }

    [Fact]
    public void An_unobservable_histogram_rejects_observations_and_timing()
    {
        var histogram = new Histogram("h", "H", ["route"], registry: _registry);
        var ran = false;

        Should.Throw<UnobservableMetricException>(() => histogram.Observe(1)).Message.ShouldContain("'route'");
        Should.Throw<UnobservableMetricException>(() => histogram.Time());
        Should.Throw<UnobservableMetricException>(() => histogram.Time(() => ran = true));
        Should.Throw<UnobservableMetricException>(() => histogram.GetBucketCounts());

        ran.ShouldBeFalse();
    }

    [Fact]
    public void Linear_and_exponential_bucket_helpers()
    {
        Buckets.Linear(1, 2, 3).ShouldBe([1, 3, 5]);
        Buckets.Exponential(1, 10, 3).ShouldBe([1, 10, 100]);
    }
}
