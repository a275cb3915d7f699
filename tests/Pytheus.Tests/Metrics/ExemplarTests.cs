using Microsoft.Extensions.Time.Testing;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Metrics;

/// <summary>Exemplars on Pytheus's own counters and histograms (in-process backend): validation, latest wins, OpenMetrics only.</summary>
public class ExemplarTests
{
    private readonly CollectorRegistry _registry = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero));

    private T Timed<T>(T metric) where T : Metric
    {
        metric.Family.Clock = _time;
        return metric;
    }

    [Fact]
    public void The_latest_exemplar_of_a_counter_series_is_exposed_in_OpenMetrics_with_its_value_and_time()
    {
        var calls = Timed(new Counter("calls_total", "Calls.", ["route"], registry: _registry));
        calls.Labels(("route", "/a")).Inc(2, new Exemplar(("trace_id", "first")));
        _time.Advance(TimeSpan.FromMilliseconds(1500));
        calls.Labels(("route", "/a")).Inc(1.5, new Exemplar(("trace_id", "second"), ("span_id", "7")));
        calls.Labels(("route", "/b")).Inc();

        var text = MetricsExposition.GenerateMetrics(_registry, ExpositionFormat.OpenMetrics);

        text.ShouldContain("calls_total{route=\"/a\"} 3.5 # {trace_id=\"second\",span_id=\"7\"} 1.5 1796205601.5\n");
        text.ShouldContain("calls_total{route=\"/b\"} 1\n");
        MetricsExposition.GenerateMetrics(_registry).ShouldNotContain("#  {");
        MetricsExposition.GenerateMetrics(_registry).ShouldNotContain("trace_id");
    }

    [Fact]
    public void Each_histogram_bucket_keeps_its_own_latest_exemplar()
    {
        var latency = Timed(new Histogram("latency_seconds", "Latency.", buckets: [0.1, 1], registry: _registry));
        latency.Observe(0.05, new Exemplar(("trace_id", "fast")));
        latency.Observe(0.5, new Exemplar(("trace_id", "slow")));
        latency.Observe(0.7);
        latency.Observe(5, new Exemplar(("trace_id", "very-slow")));

        var text = MetricsExposition.GenerateMetrics(_registry, ExpositionFormat.OpenMetrics);

        text.ShouldContain("latency_seconds_bucket{le=\"0.1\"} 1 # {trace_id=\"fast\"} 0.05 1796205600\n");
        text.ShouldContain("latency_seconds_bucket{le=\"1.0\"} 3 # {trace_id=\"slow\"} 0.5 1796205600\n");
        text.ShouldContain("latency_seconds_bucket{le=\"+Inf\"} 4 # {trace_id=\"very-slow\"} 5 1796205600\n");
        latency.GetSum().ShouldBe(6.25);
    }

    [Fact]
    public void A_gauge_or_summary_sample_never_carries_an_exemplar_and_one_exemplar_may_be_reused()
    {
        var calls = new Counter("calls_total", "Calls.", registry: _registry);
        var exemplar = new Exemplar(("trace_id", "abc"));
        calls.Inc(1, exemplar);
        calls.Inc(1, exemplar);
        new Gauge("level", "Level.", registry: _registry).Set(3);

        var text = MetricsExposition.GenerateMetrics(_registry, ExpositionFormat.OpenMetrics);

        text.ShouldContain("calls_total 2 # {trace_id=\"abc\"} 1 ");
        text.ShouldContain("level 3\n");
    }

    [Theory]
    [InlineData("trace-id", "invalid")]
    [InlineData("", "invalid")]
    public void An_invalid_label_name_is_refused_naming_it(string name, string expected)
    {
        var e = Should.Throw<LabelValidationException>(() => new Exemplar((name, "x")));

        e.Message.ShouldContain($"'{name}'");
        e.Message.ShouldContain(expected);
        e.ShouldBeAssignableTo<ArgumentException>();
    }

    [Fact]
    public void Duplicate_names_null_values_and_more_than_128_runes_are_refused()
    {
        Should.Throw<LabelValidationException>(() => new Exemplar(("k", "1"), ("k", "2"))).Message.ShouldContain("'k' is given twice");
        Should.Throw<LabelValidationException>(() => new Exemplar(("k", null!))).Message.ShouldContain("'k' has a null value");
        Should.Throw<LabelValidationException>(() => new Exemplar(("k", new string('x', 128)))).Message.ShouldContain("129 runes; at most 128");
        // Runes, not UTF-16 units: 127 astral characters and a one-letter name are 128 runes.
        Should.NotThrow(() => new Exemplar(("k", string.Concat(Enumerable.Repeat("\U0001F600", 127)))));
        new Exemplar(new Dictionary<string, string> { ["trace_id"] = "a" }).Labels.ShouldHaveSingleItem().Key.ShouldBe("trace_id");
    }

    [Fact]
    public void A_refused_increment_records_no_exemplar()
    {
        var calls = new Counter("calls_total", "Calls.", registry: _registry);

        Should.Throw<InvalidMetricValueException>(() => calls.Inc(-1, new Exemplar(("trace_id", "bad"))));

        calls.Get().ShouldBe(0);
        MetricsExposition.GenerateMetrics(_registry, ExpositionFormat.OpenMetrics).ShouldNotContain("bad");
    }
}
