using Microsoft.Extensions.Logging;
using Pytheus.Backends;
using Pytheus.Diagnostics;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Metrics;

[Collection("Globals")]
public class SeriesLimitTests
{
    private readonly CollectorRegistry _registry = new();

    [Fact]
    public void Label_sets_past_the_limit_write_to_one_overflow_series_and_totals_stay_exact()
    {
        var counter = new Counter("requests_total", "Requests", ["path"], registry: _registry, seriesLimit: 2);

        for (var i = 0; i < 5; i++)
        {
            Should.NotThrow(() => counter.Labels(("path", $"/p{i}")).Inc(i + 1));
        }
        counter.WithLabelValues("/p4").Inc(10);

        counter.Family.SeriesOverflows.ShouldBe(4);
        MetricsExposition.GenerateMetrics(_registry).ShouldBe(
            "# HELP requests_total Requests\n# TYPE requests_total counter\n" +
            "requests_total{path=\"/p0\"} 1\nrequests_total{path=\"/p1\"} 2\nrequests_total{path=\"__overflow__\"} 22\n" +
            "# HELP pytheus_series_overflows_total Label sets not stored because their metric was at its series limit; their writes went to the overflow series.\n" +
            "# TYPE pytheus_series_overflows_total counter\npytheus_series_overflows_total{metric=\"requests_total\"} 4\n");
    }

    [Fact]
    public void Known_label_sets_keep_their_series_after_the_limit_is_reached()
    {
        var gauge = new Gauge("g", "G", ["k"], registry: _registry, seriesLimit: 1);
        var first = gauge.Labels(("k", "a"));
        gauge.Labels(("k", "b")).Set(9);

        gauge.Labels(("k", "a")).ShouldBeSameAs(first);
        first.Set(1);
        gauge.Family.CollectLocal().Select(s => (s.LabelValues[0], s.Values[0]))
            .ShouldBe([("__overflow__", 9.0), ("a", 1.0)]);
    }

    [Fact]
    public void Removing_a_series_makes_room_for_a_new_label_set()
    {
        var counter = new Counter("c_total", "C", ["k"], registry: _registry, seriesLimit: 1);
        counter.Labels(("k", "a")).Inc();
        counter.RemoveLabelValues("a").ShouldBeTrue();

        counter.Labels(("k", "b")).Inc(2);

        counter.Family.SeriesOverflows.ShouldBe(0);
        counter.Family.CollectLocal().Single().LabelValues.ShouldBe(["b"]);
    }

    [Fact]
    public void Clear_removes_every_series_and_the_overflow_one()
    {
        var counter = new Counter("c_total", "C", ["k"], registry: _registry, seriesLimit: 1);
        counter.Labels(("k", "a")).Inc();
        counter.Labels(("k", "b")).Inc();

        counter.Clear();

        counter.Family.SeriesCount.ShouldBe(0);
        counter.Labels(("k", "c")).Inc(3);
        counter.Family.CollectLocal().Single().LabelValues.ShouldBe(["c"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_limit_below_one_is_refused_naming_the_metric(int limit)
    {
        var e = Should.Throw<InvalidMetricValueException>(() => new Histogram("latency_seconds", "L", registry: _registry, seriesLimit: limit));
        e.Message.ShouldContain("latency_seconds");
        e.Message.ShouldContain(limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _registry.Collectors.ShouldBeEmpty();
    }

    [Fact]
    public void The_default_limit_is_documented_as_ten_thousand()
    {
        MetricFamily.DefaultSeriesLimit.ShouldBe(10_000);
        new Summary("s", "S", registry: _registry).SeriesLimit.ShouldBe(10_000);
    }

    [Fact]
    public void Reaching_the_limit_is_logged_once_per_metric()
    {
        var logged = new List<string>();
        PytheusLog.LoggerFactory = LoggerFactory.Create(b => b.AddProvider(new ListLoggerProvider(logged)));
        try
        {
            var counter = new Counter("busy_total", "B", ["k"], registry: _registry, seriesLimit: 1);
            for (var i = 0; i < 50; i++)
            {
                counter.Labels(("k", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).Inc();
            }
        }
        finally
        {
            PytheusLog.LoggerFactory = null!;
        }

        logged.Count.ShouldBe(1);
        logged[0].ShouldContain("'busy_total'");
        logged[0].ShouldContain("1");
    }

    [Fact]
    public void Removal_reaches_a_backend_shared_by_processes()
    {
        var backend = new RemovalRecordingBackend();
        var gauge = new Gauge("g", "G", ["a", "b"], registry: _registry, backend: backend);
        gauge.Labels(("a", "1"), ("b", "2")).Set(1);

        gauge.RemoveLabelValues("1", "2").ShouldBeTrue();
        gauge.RemoveLabelValues("never", "created").ShouldBeFalse();
        gauge.Clear();

        backend.Removed.ShouldBe(["1,2", "never,created", "*"]);
    }

    [Fact]
    public void Removal_with_the_wrong_number_of_values_names_the_labels()
    {
        var gauge = new Gauge("g", "G", ["a", "b"], registry: _registry);

        Should.Throw<LabelValidationException>(() => gauge.RemoveLabelValues("1")).Message.ShouldContain("a, b");
    }

    private sealed class RemovalRecordingBackend : ISeriesRemovingBackend
    {
        public List<string> Removed { get; } = [];

        public IValueStore CreateStore(ValueDescriptor descriptor) => new Pytheus.Backends.InProcess.AtomicDouble();

        public void RemoveSeries(MetricDefinition family, IReadOnlyList<string> labelValues) => Removed.Add(string.Join(",", labelValues));

        public void RemoveAllSeries(MetricDefinition family) => Removed.Add("*");
    }

    private sealed class ListLoggerProvider(List<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }

        private sealed class ListLogger(List<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (lines)
                {
                    lines.Add(formatter(state, exception));
                }
            }
        }
    }
}
