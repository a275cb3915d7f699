using Pytheus.Labels;
using Pytheus.Metrics;

namespace Pytheus.Backends.Redis;

/// <summary>
/// Combines the per-writer values of one gauge family into the series a scrape shows, as its <see cref="GaugeMode"/>
/// says: one value per label set (sum, min, max, most recent) or one series per writer (all), leaving out dead writers
/// in the <c>Live</c> modes.
/// </summary>
internal static class GaugeAggregation
{
    /// <summary>The family's series, sorted by exposed label values.</summary>
    /// <param name="mode">The family's gauge mode (any but <see cref="GaugeMode.Shared"/>).</param>
    /// <param name="values">Every writer's values, dead writers' included.</param>
    /// <param name="isLive">Whether a writer is alive now.</param>
    public static SeriesSnapshot[] Combine(GaugeMode mode, IEnumerable<WriterValue> values, Func<string, bool> isLive)
    {
        // In writer order, so that every process adds the same numbers in the same order and shows the same sum.
        var counted = (mode.IsLive() ? values.Where(v => isLive(v.Writer)) : values).OrderBy(v => v.Writer, StringComparer.Ordinal);
        var series = mode.HasWriterLabel()
            ? counted.Select(v => new SeriesSnapshot([.. v.LabelValues, v.Writer], [v.Value]))
            : counted.GroupBy(v => v.LabelValues, LabelValuesComparer.Instance)
                .Select(g => new SeriesSnapshot(g.Key, [Reduce(mode, g)]));
        var result = series.ToArray();
        Array.Sort(result, (a, b) => LabelValuesComparer.Instance.Compare(a.LabelValues, b.LabelValues));
        return result;
    }

    private static double Reduce(GaugeMode mode, IEnumerable<WriterValue> values) => mode switch
    {
        GaugeMode.Min or GaugeMode.LiveMin => values.Min(v => v.Value),
        GaugeMode.Max or GaugeMode.LiveMax => values.Max(v => v.Value),
        // Ties (same millisecond) go to the larger writer id, so every process shows the same value.
        GaugeMode.MostRecent or GaugeMode.LiveMostRecent => values
            .OrderByDescending(v => v.WrittenAtMs).ThenByDescending(v => v.Writer, StringComparer.Ordinal).First().Value,
        _ => values.Sum(v => v.Value),
    };
}
