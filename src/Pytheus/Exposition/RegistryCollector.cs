using Pytheus.Backends;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Exposition;

/// <summary>
/// Reads a registry for a scrape: families whose backend can read many families at once are read in one call per
/// backend (one round trip for a remote backend); the rest, and custom collectors, from their local stores.
/// </summary>
public static class RegistryCollector
{
    /// <summary>Collects every family of <paramref name="registry"/>, in registration order.</summary>
    public static Task<IReadOnlyList<MetricSnapshot>> CollectAsync(
        CollectorRegistry registry, CancellationToken cancellationToken = default) => CollectAsync(registry, liveLocal: false, cancellationToken);

    /// <summary>
    /// Collects every family; with <paramref name="liveLocal"/>, local series are read while being written instead of
    /// now (for a scrape written at once: no allocation per series). Remote families are always read now.
    /// </summary>
    internal static async Task<IReadOnlyList<MetricSnapshot>> CollectAsync(
        CollectorRegistry registry, bool liveLocal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        // Registered families may be read by their backend; custom collectors' metrics are computed per scrape and are
        // always read locally, even on a collecting backend.
        var entries = new List<(string Name, MetricFamily Family, bool Registered)>();
        foreach (var collector in registry.Collectors)
        {
            if (collector is MetricFamily family)
            {
                entries.Add((Prefixed(registry.Prefix, family.Name), family, true));
            }
            else
            {
                entries.AddRange(collector.Collect().Select(f => (f.Name, f, false)));
            }
        }

        var series = new IReadOnlyList<SeriesSnapshot>?[entries.Count];
        var remote = entries.Select((e, i) => (e.Family, e.Registered, Index: i))
            .Where(e => e.Registered && e.Family.Backend is ICollectingBackend)
            .GroupBy(e => (ICollectingBackend)e.Family.Backend);
        foreach (var group in remote)
        {
            var members = group.ToList();
            var read = await group.Key.CollectAsync(members.Select(m => m.Family.Definition).ToList(), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < members.Count; i++)
            {
                series[members[i].Index] = read[i];
            }
        }
        var result = new List<MetricSnapshot>(entries.Count + 1);
        for (var i = 0; i < entries.Count; i++)
        {
            result.Add(new MetricSnapshot(entries[i].Name, entries[i].Family.Definition, series[i] ?? (liveLocal ? entries[i].Family.CollectLocalLive() : entries[i].Family.CollectLocal())));
        }
        if (SeriesOverflows(entries.Where(e => e.Registered).Select(e => e.Family)) is { } overflows)
        {
            result.Add(overflows);
        }
        return result;
    }

    /// <summary>
    /// <c>pytheus_series_overflows_total{metric}</c>: the label sets refused by each family at its series limit. Only
    /// present once a family overflowed, so that a registry's text does not change until something is wrong.
    /// </summary>
    private static MetricSnapshot? SeriesOverflows(IEnumerable<MetricFamily> families)
    {
        var series = families.Where(f => f.SeriesOverflows > 0)
            .Select(f => new SeriesSnapshot([f.Name], [f.SeriesOverflows]))
            .OrderBy(s => s.LabelValues[0], StringComparer.Ordinal)
            .ToList();
        return series.Count == 0 ? null : new MetricSnapshot(OverflowFamily.Name, OverflowFamily, series);
    }

    private static readonly MetricDefinition OverflowFamily = new(
        "pytheus_series_overflows_total", "Label sets not stored because their metric was at its series limit; their writes went to the overflow series.",
        MetricType.Counter, ["metric"], [], GaugeMode.Shared);

    private static string Prefixed(string? prefix, string name) => prefix is null ? name : $"{prefix}_{name}";
}
