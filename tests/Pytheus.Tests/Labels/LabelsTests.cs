using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Labels;

/// <summary>Label selection (<c>Labels(...)</c>, <c>WithLabelValues</c>), default labels and label validation.</summary>
public class LabelsTests
{
    private readonly CollectorRegistry _registry = new();

    private Counter NewCounter(string[] labels, Dictionary<string, string>? defaults = null) =>
        new("requests_total", "Requests", labels, defaults, registry: _registry);

    private string Exposed() => MetricsExposition.GenerateMetrics(_registry);

    [Fact]
    public void A_metric_without_labels_is_observable()
    {
        var counter = new Counter("plain_total", "Plain", registry: _registry);

        counter.IsObservable.ShouldBeTrue();
        counter.MissingLabels.ShouldBeEmpty();
        counter.LabelValues.ShouldBeEmpty();
    }

    [Fact]
    public void A_labelled_metric_without_values_is_not_observable_and_says_which_labels_are_missing()
    {
        var counter = NewCounter(["method", "code"]);

        counter.IsObservable.ShouldBeFalse();
        counter.MissingLabels.ShouldBe(["method", "code"]);
        var e = Should.Throw<UnobservableMetricException>(() => counter.Inc());
        e.Message.ShouldContain("'requests_total'");
        e.Message.ShouldContain("'method'");
        e.Message.ShouldContain("'code'");
    }

    [Fact]
    public void Dictionary_and_pairs_select_the_same_child_whatever_the_key_order()
    {
        var counter = NewCounter(["method", "code"]);

        var fromPairs = counter.Labels(("method", "GET"), ("code", "200"));
        var fromReversedPairs = counter.Labels(("code", "200"), ("method", "GET"));
        var fromDictionary = counter.Labels(new Dictionary<string, string> { ["code"] = "200", ["method"] = "GET" });

        fromPairs.IsObservable.ShouldBeTrue();
        fromReversedPairs.ShouldBeSameAs(fromPairs);
        fromDictionary.ShouldBeSameAs(fromPairs);
        fromPairs.LabelValues.ShouldBe(new Dictionary<string, string> { ["method"] = "GET", ["code"] = "200" }, ignoreOrder: true);
        counter.Family.SeriesCount.ShouldBe(1);
    }

    [Fact]
    public void Different_label_sets_select_different_children()
    {
        var counter = NewCounter(["method", "code"]);

        var a = counter.Labels(("method", "GET"), ("code", "200"));
        var b = counter.Labels(("method", "GET"), ("code", "500"));
        var c = counter.Labels(("method", "200"), ("code", "GET"));
        a.Inc();
        b.Inc(2);
        c.Inc(3);

        a.ShouldNotBeSameAs(b);
        a.ShouldNotBeSameAs(c);
        a.Get().ShouldBe(1);
        b.Get().ShouldBe(2);
        c.Get().ShouldBe(3);
        counter.Family.SeriesCount.ShouldBe(3);
    }

    [Fact]
    public void A_partial_view_is_not_observable_and_names_the_labels_still_missing()
    {
        var counter = NewCounter(["method", "code", "path"]);

        var partial = counter.Labels(("method", "GET"));

        partial.IsObservable.ShouldBeFalse();
        partial.MissingLabels.ShouldBe(["code", "path"]);
        var e = Should.Throw<UnobservableMetricException>(() => partial.Inc());
        e.Message.ShouldContain("'code'");
        e.Message.ShouldContain("'path'");
        e.Message.ShouldNotContain("'method'");
    }

    [Fact]
    public void A_partial_view_can_be_kept_and_extended_into_several_children()
    {
        var counter = NewCounter(["method", "code"]);
        var get = counter.Labels(("method", "GET"));

        var ok = get.Labels(("code", "200"));
        var error = get.Labels(("code", "500"));
        ok.Inc();
        error.Inc(5);
        get.Labels(("code", "200")).Inc();

        get.IsObservable.ShouldBeFalse();
        ok.ShouldBeSameAs(counter.Labels(("method", "GET"), ("code", "200")));
        error.ShouldBeSameAs(counter.Labels(("code", "500"), ("method", "GET")));
        ok.Get().ShouldBe(2);
        error.Get().ShouldBe(5);
    }

    [Fact]
    public void Partial_views_create_no_series()
    {
        var counter = NewCounter(["method", "code"]);

        _ = counter.Labels(("method", "GET"));

        counter.Family.SeriesCount.ShouldBe(0);
        Exposed().ShouldBe("# HELP requests_total Requests\n# TYPE requests_total counter\n");
    }

    [Fact]
    public void Labels_with_nothing_returns_the_same_object()
    {
        var counter = NewCounter(["method"]);
        var plain = new Counter("plain_total", "Plain", registry: _registry);

        counter.Labels().ShouldBeSameAs(counter);
        counter.Labels(new Dictionary<string, string>()).ShouldBeSameAs(counter);
        plain.Labels().ShouldBeSameAs(plain);
    }

    [Fact]
    public void Relabelling_a_full_child_selects_another_child()
    {
        var counter = NewCounter(["method", "code"]);
        var ok = counter.Labels(("method", "GET"), ("code", "200"));

        var post = ok.Labels(("method", "POST"));

        post.ShouldNotBeSameAs(ok);
        post.ShouldBeSameAs(counter.Labels(("method", "POST"), ("code", "200")));
    }

    [Fact]
    public void WithLabelValues_takes_values_in_declaration_order_and_finds_the_same_child()
    {
        var counter = NewCounter(["method", "code"]);

        var child = counter.WithLabelValues("GET", "200");

        child.ShouldBeSameAs(counter.Labels(("code", "200"), ("method", "GET")));
        counter.WithLabelValues("GET", "200").ShouldBeSameAs(child);
        counter.WithLabelValues("200", "GET").ShouldNotBeSameAs(child);
    }

    [Fact]
    public void WithLabelValues_rejects_a_wrong_number_of_values_or_a_null_value()
    {
        var counter = NewCounter(["method", "code"]);

        var tooFew = Should.Throw<LabelValidationException>(() => counter.WithLabelValues("GET"));
        tooFew.Message.ShouldContain("'requests_total'");
        tooFew.Message.ShouldContain("method");
        Should.Throw<LabelValidationException>(() => counter.WithLabelValues("GET", "200", "x"));
        Should.Throw<LabelValidationException>(() => counter.WithLabelValues("GET", null!)).Message.ShouldContain("'code'");
        counter.Family.SeriesCount.ShouldBe(0);
    }

    [Fact]
    public void Default_labels_make_the_metric_itself_observable()
    {
        var counter = NewCounter(["env"], new() { ["env"] = "prod" });

        counter.Inc();

        counter.IsObservable.ShouldBeTrue();
        counter.LabelValues.ShouldBe(new Dictionary<string, string> { ["env"] = "prod" });
        Exposed().ShouldBe("# HELP requests_total Requests\n# TYPE requests_total counter\nrequests_total{env=\"prod\"} 1\n");
    }

    [Fact]
    public void Partial_defaults_need_the_rest_given_by_Labels()
    {
        var counter = NewCounter(["env", "code"], new() { ["env"] = "prod" });

        counter.IsObservable.ShouldBeFalse();
        counter.MissingLabels.ShouldBe(["code"]);
        counter.Labels(("code", "200")).IsObservable.ShouldBeTrue();
    }

    [Fact]
    public void A_default_can_be_overridden_per_call()
    {
        var counter = NewCounter(["env", "code"], new() { ["env"] = "prod" });

        var child = counter.Labels(("code", "200"), ("env", "dev"));
        child.Inc();

        child.LabelValues.ShouldBe(new Dictionary<string, string> { ["env"] = "dev", ["code"] = "200" }, ignoreOrder: true);
        Exposed().ShouldContain("requests_total{env=\"dev\",code=\"200\"} 1\n");
    }

    [Fact]
    public void The_same_effective_labels_given_explicitly_or_by_default_select_the_same_child()
    {
        // pytheus keys its child cache on the explicit values only, so these were two series with identical labels.
        var counter = NewCounter(["a", "b"], new() { ["b"] = "x" });

        var implicitDefault = counter.Labels(("a", "1"));
        var explicitDefault = counter.Labels(("a", "1"), ("b", "x"));
        implicitDefault.Inc();
        explicitDefault.Inc();

        explicitDefault.ShouldBeSameAs(implicitDefault);
        explicitDefault.Get().ShouldBe(2);
        Exposed().ShouldBe("# HELP requests_total Requests\n# TYPE requests_total counter\nrequests_total{a=\"1\",b=\"x\"} 2\n");
    }

    [Fact]
    public void Different_labels_with_the_same_explicit_values_select_different_children()
    {
        // pytheus keys its child cache on sorted explicit values without names: labels(a="1") and labels(b="1") collided.
        var counter = NewCounter(["a", "b"], new() { ["a"] = "da", ["b"] = "db" });

        var first = counter.Labels(("a", "1"));
        var second = counter.Labels(("b", "1"));
        first.Inc();
        second.Inc(10);

        second.ShouldNotBeSameAs(first);
        first.LabelValues.ShouldBe(new Dictionary<string, string> { ["a"] = "1", ["b"] = "db" }, ignoreOrder: true);
        second.LabelValues.ShouldBe(new Dictionary<string, string> { ["a"] = "da", ["b"] = "1" }, ignoreOrder: true);
        Exposed().ShouldBe(
            """
            # HELP requests_total Requests
            # TYPE requests_total counter
            requests_total{a="1",b="db"} 1
            requests_total{a="da",b="1"} 10
            requests_total{a="da",b="db"} 0

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_metric_observable_by_defaults_shares_one_series_with_the_child_of_the_same_labels()
    {
        // pytheus printed dup{bob="cat"} twice here: once for the parent, once for the child.
        var counter = NewCounter(["bob"], new() { ["bob"] = "cat" });

        counter.Inc();
        counter.Labels(("bob", "cat")).Inc(10);

        counter.Get().ShouldBe(11);
        counter.Family.SeriesCount.ShouldBe(1);
        Exposed().ShouldBe("# HELP requests_total Requests\n# TYPE requests_total counter\nrequests_total{bob=\"cat\"} 11\n");
    }

    [Fact]
    public void Defaults_fill_in_children_and_an_incomplete_parent_is_not_exposed()
    {
        // pytheus test_metrics: required [a, b], default a="3"; children {a:1,b:2}, {a:7,b:8}, partial {a:6}, {b:5}.
        var counter = NewCounter(["a", "b"], new() { ["a"] = "3" });

        counter.Labels(("a", "1"), ("b", "2")).Inc();
        counter.Labels(("a", "7"), ("b", "8")).Inc();
        _ = new Counter("requests_total", "Requests", ["a", "b"], new Dictionary<string, string> { ["a"] = "3" }, registry: _registry)
            .Labels(("a", "6"));
        counter.Labels(("b", "5")).Inc();

        Exposed().ShouldBe(
            """
            # HELP requests_total Requests
            # TYPE requests_total counter
            requests_total{a="1",b="2"} 1
            requests_total{a="3",b="5"} 1
            requests_total{a="7",b="8"} 1

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Default_and_explicit_labels_are_exposed_in_declaration_order()
    {
        var counter = NewCounter(["cat", "bob"], new() { ["bob"] = "bobvalue" });

        counter.Labels(("cat", "2")).Inc();

        Exposed().ShouldContain("requests_total{cat=\"2\",bob=\"bobvalue\"} 1\n");
    }

    [Theory]
    [InlineData("action")]
    [InlineData("method")]
    [InlineData("_type")]
    [InlineData("le")]
    [InlineData("quantile")]
    [InlineData("a1_B2")]
    public void Valid_label_names_are_accepted(string label)
    {
        var counter = NewCounter([label]);

        counter.Labels((label, "v")).Inc();

        counter.Labels((label, "v")).Get().ShouldBe(1);
    }

    [Theory]
    [InlineData("__private")]
    [InlineData("__")]
    [InlineData("microµ")]
    [InlineData("@type")]
    [InlineData("1abc")]
    [InlineData("with-dash")]
    [InlineData("with.dot")]
    [InlineData("a:b")]
    [InlineData("")]
    public void Invalid_label_names_are_rejected_naming_metric_and_label(string label)
    {
        var e = Should.Throw<LabelValidationException>(() => NewCounter([label]));

        e.Message.ShouldContain("'requests_total'");
        e.Message.ShouldContain($"'{label}'");
        _registry.Collectors.ShouldBeEmpty();
    }

    [Fact]
    public void A_label_declared_twice_is_rejected()
    {
        var e = Should.Throw<LabelValidationException>(() => NewCounter(["code", "method", "code"]));

        e.Message.ShouldContain("'requests_total'");
        e.Message.ShouldContain("'code'");
        _registry.Collectors.ShouldBeEmpty();
    }

    [Fact]
    public void A_null_label_name_is_rejected()
    {
        var e = Should.Throw<LabelValidationException>(() => NewCounter(["code", null!]));

        e.Message.ShouldContain("'requests_total'");
        _registry.Collectors.ShouldBeEmpty();
    }

    [Fact]
    public void Default_labels_must_be_required_labels()
    {
        var unknown = Should.Throw<LabelValidationException>(() => NewCounter(["code"], new() { ["env"] = "prod" }));
        unknown.Message.ShouldContain("'requests_total'");
        unknown.Message.ShouldContain("'env'");

        var noLabels = Should.Throw<LabelValidationException>(() =>
            new Counter("requests_total", "Requests", defaultLabels: new Dictionary<string, string> { ["env"] = "prod" }, registry: _registry));
        noLabels.Message.ShouldContain("'requests_total'");
        noLabels.Message.ShouldContain("'env'");

        _registry.Collectors.ShouldBeEmpty();
    }

    [Fact]
    public void A_default_label_with_a_null_value_is_rejected()
    {
        var e = Should.Throw<LabelValidationException>(() => NewCounter(["code"], new() { ["code"] = null! }));

        e.Message.ShouldContain("'requests_total'");
        e.Message.ShouldContain("'code'");
        _registry.Collectors.ShouldBeEmpty();
    }

    [Fact]
    public void Labels_rejects_an_unknown_label_naming_metric_and_label()
    {
        var counter = NewCounter(["code"]);

        var e = Should.Throw<LabelValidationException>(() => counter.Labels(("code", "200"), ("colour", "red")));

        e.Message.ShouldContain("'requests_total'");
        e.Message.ShouldContain("'colour'");
        counter.Family.SeriesCount.ShouldBe(0);
    }

    [Fact]
    public void Labels_on_a_metric_without_labels_is_rejected()
    {
        var counter = new Counter("plain_total", "Plain", registry: _registry);

        var e = Should.Throw<LabelValidationException>(() => counter.Labels(("code", "200")));

        e.Message.ShouldContain("'plain_total'");
        e.Message.ShouldContain("'code'");
    }

    [Fact]
    public void Labels_rejects_a_label_given_twice()
    {
        var counter = NewCounter(["code"]);

        var e = Should.Throw<LabelValidationException>(() => counter.Labels(("code", "200"), ("code", "500")));

        e.Message.ShouldContain("'requests_total'");
        e.Message.ShouldContain("'code'");
    }

    [Fact]
    public void Labels_rejects_null_names_and_values()
    {
        var counter = NewCounter(["code"]);

        Should.Throw<LabelValidationException>(() => counter.Labels((null!, "200"))).Message.ShouldContain("'requests_total'");
        var nullValue = Should.Throw<LabelValidationException>(() => counter.Labels(("code", null!)));
        nullValue.Message.ShouldContain("'requests_total'");
        nullValue.Message.ShouldContain("'code'");
        Should.Throw<LabelValidationException>(() => counter.Labels(new Dictionary<string, string> { ["code"] = null! }));
        Should.Throw<ArgumentNullException>(() => counter.Labels((IReadOnlyDictionary<string, string>)null!));
        counter.Family.SeriesCount.ShouldBe(0);
    }

    [Fact]
    public void Label_values_may_be_any_string_including_empty_and_unicode()
    {
        var counter = NewCounter(["path"]);

        counter.Labels(("path", "")).Inc();
        counter.Labels(("path", "µ/é")).Inc(2);

        Exposed().ShouldBe("# HELP requests_total Requests\n# TYPE requests_total counter\nrequests_total{path=\"\"} 1\nrequests_total{path=\"µ/é\"} 2\n");
    }

    [Fact]
    public void Labelled_views_of_every_type_return_their_own_type()
    {
        var gauge = new Gauge("g", "G", ["k"], registry: _registry);
        var histogram = new Histogram("h", "H", ["k"], registry: _registry);
        var summary = new Summary("s", "S", ["k"], registry: _registry);

        gauge.Labels(("k", "v")).Set(2);
        histogram.Labels(("k", "v")).Observe(2);
        summary.Labels(("k", "v")).Observe(2);

        gauge.WithLabelValues("v").Get().ShouldBe(2);
        histogram.WithLabelValues("v").GetCount().ShouldBe(1);
        summary.WithLabelValues("v").GetSum().ShouldBe(2);
    }
}
