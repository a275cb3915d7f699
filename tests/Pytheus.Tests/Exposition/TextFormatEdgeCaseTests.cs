using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Exposition;

/// <summary>Exact-string checks of the text format's escaping, ordering and edge cases (pytheus test_exposition, adapted).</summary>
public class TextFormatEdgeCaseTests
{
    private readonly CollectorRegistry _registry = new();

    private string Exposed() => MetricsExposition.GenerateMetrics(_registry);

    [Fact]
    public void Families_follow_registration_order_and_labels_declaration_order()
    {
        var requests = new Counter("http_req_total", "Requests", ["p", "m"], registry: _registry);
        requests.Labels(("p", "/"), ("m", "GET")).Inc(3);
        requests.Labels(("m", "POST"), ("p", "/")).Inc(1);
        new Counter("cache_hits_total", "Hits", ["name"], registry: _registry).Labels(("name", "redis")).Inc(5);
        new Counter("exception_total", "Exceptions", registry: _registry).Inc(4);

        Exposed().ShouldBe(
            """
            # HELP http_req_total Requests
            # TYPE http_req_total counter
            http_req_total{p="/",m="GET"} 3
            http_req_total{p="/",m="POST"} 1
            # HELP cache_hits_total Hits
            # TYPE cache_hits_total counter
            cache_hits_total{name="redis"} 5
            # HELP exception_total Exceptions
            # TYPE exception_total counter
            exception_total 4

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Series_are_sorted_by_label_values_whatever_the_creation_order()
    {
        var gauge = new Gauge("g", "G", ["zone", "host"], registry: _registry);
        gauge.Labels(("zone", "b"), ("host", "2")).Set(1);
        gauge.Labels(("zone", "a"), ("host", "9")).Set(2);
        gauge.Labels(("zone", "b"), ("host", "10")).Set(3);
        gauge.Labels(("zone", "B"), ("host", "1")).Set(4);

        Exposed().ShouldBe(
            """
            # HELP g G
            # TYPE g gauge
            g{zone="B",host="1"} 4
            g{zone="a",host="9"} 2
            g{zone="b",host="10"} 3
            g{zone="b",host="2"} 1

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Help_escapes_backslash_and_newline_but_not_quotes_and_label_values_escape_all_three()
    {
        var counter = new Counter("http_req_total", "slash\\quote\"newline\n", ["bob"], registry: _registry);
        _ = counter.Labels(("bob", "slash\\quote\"newline\n"));

        Exposed().ShouldBe(
            "# HELP http_req_total slash\\\\quote\"newline\\n\n" +
            "# TYPE http_req_total counter\n" +
            "http_req_total{bob=\"slash\\\\quote\\\"newline\\n\"} 0\n");
    }

    [Fact]
    public void Other_characters_pass_through_unchanged()
    {
        var gauge = new Gauge("g", "Tab\there, µ, é, {braces}, =", ["v"], registry: _registry);
        gauge.Labels(("v", "tab\t,comma=}")).Set(1);

        Exposed().ShouldBe("# HELP g Tab\there, µ, é, {braces}, =\n# TYPE g gauge\ng{v=\"tab\t,comma=}\"} 1\n");
    }

    [Fact]
    public void A_labelled_family_without_children_exposes_only_help_and_type()
    {
        new Counter("c_total", "C", ["a"], registry: _registry);
        new Gauge("g", "G", ["a"], registry: _registry);
        new Histogram("h", "H", ["a"], registry: _registry);
        new Summary("s", "S", ["a"], registry: _registry);

        Exposed().ShouldBe(
            """
            # HELP c_total C
            # TYPE c_total counter
            # HELP g G
            # TYPE g gauge
            # HELP h H
            # TYPE h histogram
            # HELP s S
            # TYPE s summary

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Unlabelled_metrics_are_exposed_at_zero_before_any_observation()
    {
        new Counter("c_total", "C", registry: _registry);
        new Summary("s", "S", registry: _registry);
        new Histogram("h", "H", buckets: [1], registry: _registry);

        Exposed().ShouldBe(
            """
            # HELP c_total C
            # TYPE c_total counter
            c_total 0
            # HELP s S
            # TYPE s summary
            s_sum 0
            s_count 0
            # HELP h H
            # TYPE h histogram
            h_bucket{le="1"} 0
            h_bucket{le="+Inf"} 0
            h_sum 0
            h_count 0

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Values_and_bounds_use_Go_float_formatting()
    {
        var histogram = new Histogram("h", "H", buckets: [1e-05, 0.5, 5.0, 1e6], registry: _registry);
        histogram.Observe(2_000_000);
        var gauge = new Gauge("g", "G", ["k"], registry: _registry);
        gauge.Labels(("k", "int")).Set(5);
        gauge.Labels(("k", "neg_zero")).Set(-0.0);
        gauge.Labels(("k", "nan")).Set(double.NaN);
        gauge.Labels(("k", "ninf")).Set(double.NegativeInfinity);

        Exposed().ShouldBe(
            """
            # HELP h H
            # TYPE h histogram
            h_bucket{le="1e-05"} 0
            h_bucket{le="0.5"} 0
            h_bucket{le="5"} 0
            h_bucket{le="1e+06"} 0
            h_bucket{le="+Inf"} 1
            h_sum 2e+06
            h_count 1
            # HELP g G
            # TYPE g gauge
            g{k="int"} 5
            g{k="nan"} NaN
            g{k="neg_zero"} -0
            g{k="ninf"} -Inf

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Labelled_histogram_children_each_expose_buckets_sum_and_count_with_le_last()
    {
        var histogram = new Histogram("hello", "world", ["bob", "cat"], buckets: [1, 10], registry: _registry);
        histogram.Labels(("bob", "b"), ("cat", "x")).Observe(7);
        histogram.Labels(("cat", "x"), ("bob", "a")).Observe(0.4);

        Exposed().ShouldBe(
            """
            # HELP hello world
            # TYPE hello histogram
            hello_bucket{bob="a",cat="x",le="1"} 1
            hello_bucket{bob="a",cat="x",le="10"} 1
            hello_bucket{bob="a",cat="x",le="+Inf"} 1
            hello_sum{bob="a",cat="x"} 0.4
            hello_count{bob="a",cat="x"} 1
            hello_bucket{bob="b",cat="x",le="1"} 0
            hello_bucket{bob="b",cat="x",le="10"} 1
            hello_bucket{bob="b",cat="x",le="+Inf"} 1
            hello_sum{bob="b",cat="x"} 7
            hello_count{bob="b",cat="x"} 1

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_content_type_is_text_format_0_0_4()
    {
        TextFormat.ContentType.ShouldBe("text/plain; version=0.0.4; charset=utf-8");
    }
}
