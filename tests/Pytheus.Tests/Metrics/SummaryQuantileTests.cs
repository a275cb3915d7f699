using Microsoft.Extensions.Time.Testing;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Metrics;

/// <summary>
/// Summary quantile objectives (an extension of pytheus): estimates within 1% relative error of the exact quantile of
/// the same data — the observation of rank ⌊q·(n−1)⌋ — over a sliding window of <c>maxAge</c> cut in
/// <c>ageBuckets</c> windows.
/// </summary>
public class SummaryQuantileTests
{
    private const double Alpha = 0.01;
    private static readonly double[] Objectives = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 0, 1];

    private readonly CollectorRegistry _registry = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero));

    private Summary NewSummary(IEnumerable<double>? objectives = null, TimeSpan? maxAge = null, int? ageBuckets = null, string[]? labels = null)
    {
        var summary = new Summary("latency_seconds", "Latency.", labels, registry: _registry, objectives: objectives ?? Objectives,
            maxAge: maxAge, ageBuckets: ageBuckets);
        summary.Family.Clock = _time;
        return summary;
    }

    public static TheoryData<string> Distributions => ["uniform", "lognormal", "pareto", "mixed-signs", "with-zeros", "integers"];

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Every_estimate_is_within_one_percent_of_the_exact_quantile(string distribution)
    {
        var data = Generate(distribution, 20_000, seed: distribution.Length);
        var summary = NewSummary();
        foreach (var value in data)
        {
            summary.Observe(value);
        }

        ShouldBeWithinBound(Objectives.Select(summary.GetQuantile).ToArray(), data, Objectives);
    }

    [Fact]
    public void The_exposed_quantiles_follow_sum_and_count_in_both_formats()
    {
        var summary = NewSummary(objectives: [0.5, 0.9]);
        for (var i = 1; i <= 100; i++)
        {
            summary.Observe(i);
        }

        var text = MetricsExposition.GenerateMetrics(_registry);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[2].ShouldBe("latency_seconds_sum 5050");
        lines[3].ShouldBe("latency_seconds_count 100");
        lines[4].ShouldStartWith("latency_seconds{quantile=\"0.5\"} ");
        lines[5].ShouldStartWith("latency_seconds{quantile=\"0.9\"} ");
        lines.Length.ShouldBe(6);
        Math.Abs(double.Parse(lines[4].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) - 50).ShouldBeLessThanOrEqualTo(Alpha * 50);
        Math.Abs(double.Parse(lines[5].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) - 90).ShouldBeLessThanOrEqualTo(Alpha * 90);

        var openMetrics = MetricsExposition.GenerateMetrics(_registry, ExpositionFormat.OpenMetrics);
        openMetrics.ShouldContain("latency_seconds{quantile=\"0.5\"} ");
        openMetrics.ShouldContain("latency_seconds{quantile=\"0.9\"} ");
    }

    [Fact]
    public void Labelled_series_keep_their_own_sketches_and_quantile_comes_last()
    {
        var summary = NewSummary(objectives: [0.5], labels: ["route"]);
        for (var i = 0; i < 100; i++)
        {
            summary.Labels(("route", "/a")).Observe(10);
            summary.Labels(("route", "/b")).Observe(1000);
        }

        var text = MetricsExposition.GenerateMetrics(_registry);

        text.ShouldContain("latency_seconds{route=\"/a\",quantile=\"0.5\"} ");
        summary.Labels(("route", "/a")).GetQuantile(0.5).ShouldBe(10, 10 * Alpha);
        summary.Labels(("route", "/b")).GetQuantile(0.5).ShouldBe(1000, 1000 * Alpha);
    }

    [Fact]
    public void An_empty_window_exposes_NaN_and_sum_and_count_stay()
    {
        var summary = NewSummary(objectives: [0.5]);

        MetricsExposition.GenerateMetrics(_registry).ShouldContain("latency_seconds{quantile=\"0.5\"} NaN\n");

        summary.Observe(3);
        _time.Advance(TimeSpan.FromMinutes(10));

        MetricsExposition.GenerateMetrics(_registry).ShouldContain("latency_seconds{quantile=\"0.5\"} NaN\n");
        summary.GetCount().ShouldBe(1);
        summary.GetSum().ShouldBe(3);
    }

    [Fact]
    public void Observations_count_for_max_age_in_windows_of_max_age_over_age_buckets()
    {
        // Windows of 1 minute; a quantile covers the current window and the 4 before it.
        var summary = NewSummary(objectives: [0.5], maxAge: TimeSpan.FromMinutes(5), ageBuckets: 5);
        _time.SetUtcNow(_time.GetUtcNow() - TimeSpan.FromTicks(_time.GetUtcNow().Ticks % TimeSpan.TicksPerMinute));
        for (var i = 0; i < 100; i++)
        {
            summary.Observe(1);
        }
        _time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 101; i++)
        {
            summary.Observe(100);
        }

        summary.GetQuantile(0.5).ShouldBe(100, 100 * Alpha);
        _time.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(59));
        summary.GetQuantile(0.5).ShouldBe(100, 100 * Alpha, "the window of the 1s still counts, 201 observations");
        summary.GetQuantile(0).ShouldBe(1, 1 * Alpha);
        _time.Advance(TimeSpan.FromSeconds(1));
        summary.GetQuantile(0).ShouldBe(100, 100 * Alpha, "the window of the 1s has aged out");
        _time.Advance(TimeSpan.FromMinutes(1));
        double.IsNaN(summary.GetQuantile(0.5)).ShouldBeTrue();
    }

    [Fact]
    public void NaN_observations_count_in_sum_and_count_but_not_in_quantiles()
    {
        var summary = NewSummary(objectives: [0.5]);

        summary.Observe(double.NaN);
        summary.Observe(4);

        summary.GetCount().ShouldBe(2);
        summary.GetQuantile(0.5).ShouldBe(4, 4 * Alpha);
    }

    [Fact]
    public void Values_outside_the_indexable_range_are_clamped()
    {
        var summary = NewSummary(objectives: [0, 1]);

        summary.Observe(1e-12);
        summary.Observe(double.PositiveInfinity);

        summary.GetQuantile(0).ShouldBe(0);
        summary.GetQuantile(1).ShouldBe(1e15, 1e15 * Alpha);
    }

    [Theory]
    [InlineData(1.5, "1.5")]
    [InlineData(-0.1, "-0.1")]
    [InlineData(double.NaN, "NaN")]
    public void An_objective_outside_zero_to_one_is_refused_naming_it(double objective, string shown)
    {
        var e = Should.Throw<InvalidMetricValueException>(() => NewSummary(objectives: [0.5, objective]));

        e.Message.ShouldContain("'latency_seconds'");
        e.Message.ShouldContain($"objective {shown} ");
        e.ShouldBeAssignableTo<ArgumentException>();
        _registry.Collectors.ShouldBeEmpty();
    }

    [Fact]
    public void A_repeated_objective_and_bad_windows_are_refused_naming_the_value()
    {
        Should.Throw<InvalidMetricValueException>(() => NewSummary(objectives: [0.5, 0.5])).Message.ShouldContain("0.5 is given twice");
        Should.Throw<InvalidMetricValueException>(() => NewSummary(maxAge: TimeSpan.Zero)).Message.ShouldContain("maxAge 00:00:00");
        Should.Throw<InvalidMetricValueException>(() => NewSummary(ageBuckets: 0)).Message.ShouldContain("ageBuckets 0");
        Should.Throw<InvalidMetricValueException>(() => new Summary("s", "S", registry: _registry, maxAge: TimeSpan.FromMinutes(1)))
            .Message.ShouldContain("need quantile objectives");
        _registry.Collectors.ShouldBeEmpty();
    }

    [Fact]
    public void Objectives_are_part_of_the_definition()
    {
        NewSummary(objectives: [0.5]);

        var e = Should.Throw<MetricConflictException>(() => NewSummary(objectives: [0.9]));
        e.Message.ShouldContain("quantile objectives");
        Should.NotThrow(() => NewSummary(objectives: [0.5]));
    }

    [Fact]
    public void GetQuantile_without_objectives_or_out_of_range_throws()
    {
        var plain = new Summary("plain", "P", registry: _registry);
        Should.Throw<InvalidOperationException>(() => plain.GetQuantile(0.5)).Message.ShouldContain("'plain'");
        Should.Throw<ArgumentOutOfRangeException>(() => NewSummary().GetQuantile(2));
        plain.Objectives.ShouldBeEmpty();
        new Summary("sorted", "S", registry: _registry, objectives: [0.9, 0.5]).Objectives.ShouldBe([0.5, 0.9]);
    }

    [Fact]
    public void Concurrent_observers_lose_no_count()
    {
        var summary = NewSummary(objectives: [0.5]);
        Parallel.For(0, 4, t =>
        {
            for (var i = 0; i < 25_000; i++)
            {
                summary.Observe(1 + (i % 1000));
            }
        });

        summary.GetCount().ShouldBe(100_000);
        summary.GetQuantile(1).ShouldBe(1000, 1000 * Alpha);
        summary.GetQuantile(0.5).ShouldBe(500, 500 * Alpha);
    }

    /// <summary>Asserts |estimate − exact| ≤ α·|exact| per objective, exact being the observation of rank ⌊q·(n−1)⌋.</summary>
    internal static void ShouldBeWithinBound(IReadOnlyList<double> estimates, IEnumerable<double> data, IReadOnlyList<double> objectives)
    {
        var sorted = data.Where(v => !double.IsNaN(v)).Order().ToArray();
        for (var i = 0; i < objectives.Count; i++)
        {
            var exact = sorted[(int)Math.Floor(objectives[i] * (sorted.Length - 1))];
            Math.Abs(estimates[i] - exact).ShouldBeLessThanOrEqualTo(Alpha * Math.Abs(exact) * (1 + 1e-12), $"q={objectives[i]}, exact {exact}, estimate {estimates[i]}");
        }
    }

    /// <summary>Generated data of one shape: deterministic for a seed.</summary>
    internal static double[] Generate(string distribution, int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => distribution switch
        {
            "uniform" => random.NextDouble() * 10,
            "lognormal" => Math.Exp(Normal(random) * 2 - 3),
            "pareto" => 0.001 / Math.Pow(1 - random.NextDouble(), 1 / 1.2),
            "mixed-signs" => (random.NextDouble() - 0.4) * 1e4,
            "with-zeros" => i % 3 == 0 ? 0 : random.NextDouble() * 0.5,
            "integers" => random.Next(1, 200),
            _ => throw new ArgumentOutOfRangeException(nameof(distribution)),
        }).ToArray();
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
