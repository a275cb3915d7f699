using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Metrics;

public class SummaryTests
{
    private static readonly TimeSpan Nap = TimeSpan.FromMilliseconds(20);
    private readonly CollectorRegistry _registry = new();

    private Summary NewSummary() => new("payload_bytes", "Payload", registry: _registry);

    [Fact]
    public void Has_summary_type_and_starts_empty()
    {
        var summary = NewSummary();

        summary.Type.ShouldBe(MetricType.Summary);
        summary.GetSum().ShouldBe(0);
        summary.GetCount().ShouldBe(0);
    }

    [Fact]
    public void Observe_adds_to_sum_and_count()
    {
        var summary = NewSummary();

        summary.Observe(0.4);
        summary.GetSum().ShouldBe(0.4);
        summary.GetCount().ShouldBe(1);

        summary.Observe(7);
        summary.Observe(-2);
        summary.GetSum().ShouldBe(5.4);
        summary.GetCount().ShouldBe(3);
    }

    [Fact]
    public void Exposes_sum_then_count()
    {
        var summary = NewSummary();
        summary.Observe(512);

        MetricsExposition.GenerateMetrics(_registry).ShouldBe(
            "# HELP payload_bytes Payload\n# TYPE payload_bytes summary\npayload_bytes_sum 512\npayload_bytes_count 1\n");
    }

    [Fact]
    public void Quantile_is_a_reserved_label_name()
    {
        var e = Should.Throw<LabelValidationException>(() => new Summary("s", "S", ["quantile"], registry: _registry));

        e.Message.ShouldContain("'s'");
        e.Message.ShouldContain("'quantile'");
        _registry.Collectors.ShouldBeEmpty();
    }

    [Fact]
    public void Le_is_allowed_on_a_summary()
    {
        var summary = new Summary("s", "S", ["le"], registry: _registry);

        summary.Labels(("le", "x")).Observe(1);

        summary.Labels(("le", "x")).GetCount().ShouldBe(1);
    }

    [Fact]
    public void Time_scope_observes_the_elapsed_seconds_also_on_exception()
    {
        var summary = NewSummary();

        using (summary.Time())
        {
            Waits.AtLeast(Nap);
        }
        Should.Throw<InvalidOperationException>(() =>
        {
            using var timer = summary.Time();
            Waits.AtLeast(Nap);
            throw new InvalidOperationException();
        });

        summary.GetCount().ShouldBe(2);
        summary.GetSum().ShouldBeGreaterThanOrEqualTo(2 * Nap.TotalSeconds);
    }

    [Fact]
    public async Task Time_delegates_observe_once_per_call_also_on_exception()
    {
        var summary = NewSummary();

        summary.Time(() => Waits.AtLeast(Nap));
        summary.Time(() => 1).ShouldBe(1);
        await summary.TimeAsync(() => Waits.AtLeastAsync(Nap));
        (await summary.TimeAsync(() => Task.FromResult(2))).ShouldBe(2);
        Should.Throw<InvalidOperationException>(() => summary.Time(() => throw new InvalidOperationException()));
        await Should.ThrowAsync<InvalidOperationException>(() => summary.TimeAsync(async () =>
        {
            await Task.Yield();
            throw new InvalidOperationException();
        }));

        summary.GetCount().ShouldBe(6);
        summary.GetSum().ShouldBeGreaterThanOrEqualTo(2 * Nap.TotalSeconds);
    }

    [Fact]
    public void An_unobservable_summary_rejects_observations()
    {
        var summary = new Summary("by_route", "By route", ["route"], registry: _registry);

        Should.Throw<UnobservableMetricException>(() => summary.Observe(1)).Message.ShouldContain("'route'");
        Should.Throw<UnobservableMetricException>(() => summary.Time());
        Should.Throw<UnobservableMetricException>(() => summary.GetSum());
    }

    [Fact]
    public void A_labelled_child_observes_and_exposes_its_own_sum_and_count()
    {
        var summary = new Summary("by_route", "By route", ["route"], registry: _registry);

        summary.Labels(("route", "/a")).Observe(1);
        summary.Labels(("route", "/a")).Observe(2);
        summary.Labels(("route", "/b")).Observe(5);

        MetricsExposition.GenerateMetrics(_registry).ShouldBe(
            """
            # HELP by_route By route
            # TYPE by_route summary
            by_route_sum{route="/a"} 3
            by_route_count{route="/a"} 2
            by_route_sum{route="/b"} 5
            by_route_count{route="/b"} 1

            """.ReplaceLineEndings("\n"));
    }
}
