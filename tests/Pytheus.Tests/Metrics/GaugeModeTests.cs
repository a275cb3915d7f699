using Pytheus.Backends;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Metrics;

public class GaugeModeTests
{
    private readonly CollectorRegistry _registry = new();

    [Fact]
    public void The_default_mode_is_livesum_and_keeps_the_exposition_shape()
    {
        var gauge = new Gauge("jobs_in_progress", "Jobs", ["queue"], registry: _registry);
        gauge.Labels(("queue", "a")).Inc(3);

        gauge.Family.GaugeMode.ShouldBe(GaugeMode.LiveSum);
        MetricsExposition.GenerateMetrics(_registry).ShouldBe(
            "# HELP jobs_in_progress Jobs\n# TYPE jobs_in_progress gauge\njobs_in_progress{queue=\"a\"} 3\n");
    }

    [Theory]
    [InlineData(GaugeMode.All)]
    [InlineData(GaugeMode.LiveAll)]
    public void All_modes_label_each_series_with_the_writer(GaugeMode mode)
    {
        var gauge = new Gauge("pool_size", "Pool", ["pool"], registry: _registry, mode: mode);
        gauge.Labels(("pool", "db")).Set(4);

        gauge.Family.ExpositionLabelNames.ShouldBe(["pool", GaugeModes.WriterLabel]);
        MetricsExposition.GenerateMetrics(_registry).ShouldBe(
            $"# HELP pool_size Pool\n# TYPE pool_size gauge\npool_size{{pool=\"db\",pytheus_writer=\"{WriterIdentity.Current}\"}} 4\n");
        gauge.Family.CollectLocal().Single().LabelValues.ShouldBe(["db", WriterIdentity.Current]);
    }

    [Theory]
    [InlineData(GaugeMode.Sum)]
    [InlineData(GaugeMode.Min)]
    [InlineData(GaugeMode.LiveMax)]
    [InlineData(GaugeMode.MostRecent)]
    [InlineData(GaugeMode.Shared)]
    public void Other_modes_show_the_one_local_writer_unlabelled(GaugeMode mode)
    {
        var gauge = new Gauge("depth", "Depth", registry: _registry, mode: mode);
        gauge.Set(7);
        gauge.Dec(2);

        gauge.Get().ShouldBe(5);
        MetricsExposition.GenerateMetrics(_registry).ShouldBe("# HELP depth Depth\n# TYPE depth gauge\ndepth 5\n");
    }

    [Fact]
    public void A_user_label_named_like_the_writer_label_is_refused_in_the_all_modes_only()
    {
        var e = Should.Throw<LabelValidationException>(() =>
            new Gauge("g1", "G", [GaugeModes.WriterLabel], registry: _registry, mode: GaugeMode.LiveAll));
        e.Message.ShouldContain("g1");
        e.Message.ShouldContain(GaugeModes.WriterLabel);
        _registry.Collectors.ShouldBeEmpty();

        Should.NotThrow(() => new Gauge("g2", "G", [GaugeModes.WriterLabel], registry: _registry, mode: GaugeMode.LiveSum));
    }

    [Fact]
    public void The_same_gauge_with_another_mode_is_a_conflict_naming_both_modes()
    {
        _ = new Gauge("temperature", "T", registry: _registry, mode: GaugeMode.Max);

        var e = Should.Throw<MetricConflictException>(() => new Gauge("temperature", "T", registry: _registry, mode: GaugeMode.Min));
        e.Message.ShouldContain("max");
        e.Message.ShouldContain("min");
    }

    [Fact]
    public void An_undefined_mode_is_refused_naming_the_metric()
    {
        Should.Throw<InvalidMetricValueException>(() => new Gauge("odd", "O", registry: _registry, mode: (GaugeMode)42))
            .Message.ShouldContain("odd");
    }

    [Theory]
    [InlineData("livesum", GaugeMode.LiveSum)]
    [InlineData("ALL", GaugeMode.All)]
    [InlineData(" mostrecent ", GaugeMode.MostRecent)]
    [InlineData("livemostrecent", GaugeMode.LiveMostRecent)]
    [InlineData("shared", GaugeMode.Shared)]
    public void Mode_names_parse_as_prometheus_client_spells_them(string name, GaugeMode expected)
    {
        GaugeModes.Parse(name).ShouldBe(expected);
        expected.ToConfigName().ShouldBe(name.Trim().ToLowerInvariant());
    }

    [Fact]
    public void An_unknown_mode_name_lists_the_valid_ones()
    {
        var e = Should.Throw<ArgumentException>(() => GaugeModes.Parse("average"));
        e.Message.ShouldContain("'average'");
        e.Message.ShouldContain("livesum");
        e.Message.ShouldContain("livemostrecent");
    }

    [Fact]
    public void Mode_properties_match_their_names()
    {
        foreach (var mode in Enum.GetValues<GaugeMode>())
        {
            mode.IsLive().ShouldBe(mode.ToString().StartsWith("Live", StringComparison.Ordinal), mode.ToString());
            mode.HasWriterLabel().ShouldBe(mode.ToString().EndsWith("All", StringComparison.Ordinal), mode.ToString());
            mode.IsPerWriter().ShouldBe(mode != GaugeMode.Shared, mode.ToString());
        }
    }

    [Fact]
    public void Non_gauges_are_global_sums()
    {
        new Counter("c_total", "C", registry: _registry).Family.GaugeMode.ShouldBe(GaugeMode.Shared);
    }
}
