using Pytheus.Backends;
using Pytheus.Metrics;

namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>
/// What a synchronization found that the collected Pytheus registry cannot say by itself: the other Pytheus families
/// exposed under a registered family's name (other collectors of the same prometheus-net family, unlabelled samples of
/// labelled collectors), the series prometheus-net would not publish, and which families come from prometheus-net.
/// </summary>
internal sealed class ExportPlan
{
    private readonly Dictionary<MetricDefinition, List<MetricFamily>> _companions = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<MetricDefinition, HashSet<string>> _hidden = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<MetricDefinition> _bridged = new(ReferenceEqualityComparer.Instance);

    public void AddFamily(MetricFamily registered, IEnumerable<MetricFamily> members)
    {
        var companions = members.Where(m => !ReferenceEquals(m, registered)).ToList();
        _bridged.Add(registered.Definition);
        _bridged.UnionWith(companions.Select(c => c.Definition));
        if (companions.Count > 0)
        {
            _companions[registered.Definition] = companions;
        }
    }

    /// <summary>Hides a series whose prometheus-net child is not published (suppressed initial value, <c>Unpublish()</c>).</summary>
    public void Hide(MetricFamily family, string[] labelValues)
    {
        if (!_hidden.TryGetValue(family.Definition, out var keys))
        {
            _hidden[family.Definition] = keys = new HashSet<string>(StringComparer.Ordinal);
        }
        keys.Add(BoundFamily.Key(labelValues));
    }

    public IReadOnlyList<MetricFamily> CompanionsOf(MetricDefinition registered) =>
        _companions.TryGetValue(registered, out var companions) ? companions : [];

    public IEnumerable<MetricFamily> AllCompanions => _companions.Values.SelectMany(c => c);

    public bool IsBridged(MetricDefinition family) => _bridged.Contains(family);

    public IReadOnlyList<SeriesSnapshot> Published(MetricDefinition family, IReadOnlyList<SeriesSnapshot> series) =>
        _hidden.TryGetValue(family, out var keys) ? series.Where(s => !keys.Contains(BoundFamily.Key(s.LabelValues))).ToList() : series;
}
