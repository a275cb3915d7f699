using System.Collections.Concurrent;
using Pytheus.Backends;
using Pytheus.Labels;
using Pytheus.Registry;

namespace Pytheus.Metrics;

/// <summary>
/// Everything one metric name holds: its definition (name, help, type, labels, buckets), the backend its values live
/// in, and its series (one child per distinct label set). Every <see cref="Metric"/> object — the one the user created,
/// partial-label views and children — is a view onto a family. Registries hold families.
/// </summary>
public sealed class MetricFamily : ICollector
{
    private static readonly ValueKind[] ValueLayoutSingle = [ValueKind.Value];
    private static readonly ValueKind[] ValueLayoutSummary = [ValueKind.Sum, ValueKind.Count];

    private readonly ConcurrentDictionary<string[], Metric> _children = new(LabelValuesComparer.Instance);
    private readonly List<Metric> _childOrder = [];
    private readonly object _childGate = new();
    private Metric[] _sortedChildren = [];
    private bool _sortedChildrenStale;

    internal MetricFamily(string name, string help, MetricType type, LabelSchema labels, double[] upperBounds, IBackend backend)
    {
        Name = name;
        Help = help;
        Type = type;
        Labels = labels;
        UpperBounds = upperBounds;
        Backend = backend;
        ValueLayout = type switch
        {
            MetricType.Histogram => [.. Enumerable.Repeat(ValueKind.Bucket, upperBounds.Length), ValueKind.Sum],
            MetricType.Summary => ValueLayoutSummary,
            _ => ValueLayoutSingle,
        };
        SumIndex = type == MetricType.Histogram ? upperBounds.Length : 0;
    }

    /// <summary>The metric name, without any registry prefix.</summary>
    public string Name { get; }

    /// <summary>The help text.</summary>
    public string Help { get; }

    /// <summary>The metric type.</summary>
    public MetricType Type { get; }

    /// <summary>The required label names, in declaration order (the order of exposition).</summary>
    public IReadOnlyList<string> LabelNames => Labels.Names;

    /// <summary>Default label values by name.</summary>
    public IReadOnlyDictionary<string, string> DefaultLabels =>
        Labels.Names.Select((n, i) => (n, v: Labels.Defaults[i])).Where(p => p.v is not null)
            .ToDictionary(p => p.n, p => p.v!, StringComparer.Ordinal);

    /// <summary>For a histogram, the bucket upper bounds ending with <c>+Inf</c>; otherwise empty.</summary>
    public IReadOnlyList<double> UpperBounds { get; }

    /// <summary>What each stored number of a series means, in order (the layout of <see cref="SeriesSnapshot.Values"/>).</summary>
    public IReadOnlyList<ValueKind> ValueLayout { get; }

    /// <summary>The backend this family's values live in (the current one when the family was created).</summary>
    public IBackend Backend { get; }

    internal LabelSchema Labels { get; }

    internal int SumIndex { get; }

    /// <summary>Number of series this process has created.</summary>
    public int SeriesCount => _children.Count;

    IEnumerable<MetricFamily> ICollector.Collect() => [this];

    /// <summary>Reads this process's series of this family from their stores, in a stable order (by label values).</summary>
    public IReadOnlyList<SeriesSnapshot> CollectLocal() => LocalSeries.Capture(SortedChildren(), ValueLayout.Count);

    /// <summary>This process's series, their values read when written: for a scrape that writes them at once.</summary>
    internal IReadOnlyList<SeriesSnapshot> CollectLocalLive() => LocalSeries.Live(SortedChildren(), ValueLayout.Count);

    internal bool IsCompatibleWith(MetricFamily other, out string difference)
    {
        difference = Type != other.Type ? $"type {Type.ToString().ToLowerInvariant()} vs {other.Type.ToString().ToLowerInvariant()}"
            : !Labels.Names.SequenceEqual(other.Labels.Names) ? $"labels [{string.Join(",", Labels.Names)}] vs [{string.Join(",", other.Labels.Names)}]"
            : !Labels.Defaults.SequenceEqual(other.Labels.Defaults) ? "default labels differ"
            : !UpperBounds.SequenceEqual(other.UpperBounds) ? $"buckets [{string.Join(",", UpperBounds)}] vs [{string.Join(",", other.UpperBounds)}]"
            : string.Empty;
        return difference.Length == 0;
    }

    internal Metric? FindChild(string[] labelValues) => _children.TryGetValue(labelValues, out var child) ? child : null;

    /// <summary>Returns the child for a full label set, creating it once even when threads race.</summary>
    internal Metric GetOrAddChild(string[] labelValues, Func<string[], Metric> create)
    {
        if (_children.TryGetValue(labelValues, out var existing))
        {
            return existing;
        }
        lock (_childGate)
        {
            if (_children.TryGetValue(labelValues, out existing))
            {
                return existing;
            }
            var child = create(labelValues);
            _childOrder.Add(child);
            _sortedChildrenStale = true;
            _children[labelValues] = child;
            return child;
        }
    }

    /// <summary>Forgets a series locally (its stored values stay in the backend, which may free what it holds for it).</summary>
    internal bool RemoveChild(string[] labelValues)
    {
        lock (_childGate)
        {
            if (!_children.TryRemove(labelValues, out var child))
            {
                return false;
            }
            _childOrder.Remove(child);
            _sortedChildrenStale = true;
        }
        Backend.ReleaseSeries(this, labelValues);
        return true;
    }

    private Metric[] SortedChildren()
    {
        lock (_childGate)
        {
            if (_sortedChildrenStale)
            {
                var sorted = _childOrder.ToArray();
                Array.Sort(sorted, (a, b) => LabelValuesComparer.Instance.Compare(a.SeriesLabelValues, b.SeriesLabelValues));
                _sortedChildren = sorted;
                _sortedChildrenStale = false;
            }
            return _sortedChildren;
        }
    }
}
