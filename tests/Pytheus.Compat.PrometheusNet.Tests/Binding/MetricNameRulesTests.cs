using Pytheus.Compat.PrometheusNet.Binding;
using Pytheus.Metrics;

namespace Pytheus.Compat.PrometheusNet.Tests.Binding;

public class MetricNameRulesTests
{
    private static readonly MetricNameRules<GaugeMode> Rules = new(new Dictionary<string, GaugeMode>
    {
        ["queue_depth"] = GaugeMode.Max,
        ["queue_*"] = GaugeMode.Sum,
        ["queue_*_bytes"] = GaugeMode.LiveAll,
        ["*_timestamp_seconds"] = GaugeMode.MostRecent,
    }, GaugeMode.LiveSum);

    [Theory]
    [InlineData("queue_depth", GaugeMode.Max)]             // an exact name beats every pattern
    [InlineData("queue_size", GaugeMode.Sum)]
    [InlineData("queue_buffer_bytes", GaugeMode.LiveAll)]  // the longer pattern wins
    [InlineData("last_run_timestamp_seconds", GaugeMode.MostRecent)]
    [InlineData("jobs_in_progress", GaugeMode.LiveSum)]    // no rule: the default
    [InlineData("queue_", GaugeMode.Sum)]                  // '*' matches nothing too
    public void The_most_specific_rule_chooses_the_mode(string name, GaugeMode expected) => Rules.For(name).ShouldBe(expected);

    [Fact]
    public void The_default_is_livesum_as_documented() => new PatchOptions().DefaultGaugeMode.ShouldBe(GaugeMode.LiveSum);
}
