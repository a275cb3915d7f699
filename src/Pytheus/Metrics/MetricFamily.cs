using System.Collections.Concurrent;
using Pytheus.Backends;
using Pytheus.Labels;
using Pytheus.Metrics.Quantiles;
using Pytheus.Registry;

namespace Pytheus.Metrics;

/// <summary>
/// Everything one metric name holds: its definition (name, help, type, labels, buckets), the backend its values live
/// in, and its series (one child per distinct label set). Every <see cref="Metric"/> object — the one the user created,
/// partial-label views and children — is a view onto a family. Registries hold families.
/// </summary>
public sealed class MetricFamily : ICollector
{
    private readonly ConcurrentDictionary<string[], Metric> _children = new(LabelValuesComparer.Instance);
    private readonly List<Metric> _childOrder = [];
    private readonly object _childGate = new();
    private Metric[] _sortedChildren = [];
    private bool _sortedChildrenStale;
    private string[]? _overflowLabelValues;
    private long _seriesOverflows;

    /// <summary>The default of <see cref="SeriesLimit"/>: label sets a metric keeps unless told otherwise.</summary>
    public const int DefaultSeriesLimit = 10_000;

    /// <summary>The value of every label of the overflow series, which takes the writes of label sets past the limit.</summary>
    public const string OverflowLabelValue = "__overflow__";

    internal MetricFamily(
        string name, string help, MetricType type, LabelSchema labels, double[] upperBounds, IBackend backend,
        GaugeMode gaugeMode = GaugeMode.Shared, int seriesLimit = DefaultSeriesLimit, NativeHistogramOptions? nativeHistogram = null,
        QuantileSettings? quantiles = null)
    {
        Definition = new MetricDefinition(name, help, type, labels.Names, upperBounds, gaugeMode, nativeHistogram, quantiles);
        Labels = labels;
        Backend = backend;
        SeriesLimit = seriesLimit;
    }

    /// <summary>What this family is (name, type, labels, layout, bounds): all a backend or an exposition format sees of it.</summary>
    public MetricDefinition Definition { get; }

    /// <summary>The metric name, without any registry prefix.</summary>
    public string Name => Definition.Name;

    /// <summary>The help text.</summary>
    public string Help => Definition.Help;

    /// <summary>The metric type.</summary>
    public MetricType Type => Definition.Type;

    /// <summary>The required label names, in declaration order (the order of exposition).</summary>
    public IReadOnlyList<string> LabelNames => Definition.LabelNames;

    /// <summary>Default label values by name.</summary>
    public IReadOnlyDictionary<string, string> DefaultLabels =>
        Labels.Names.Select((n, i) => (n, v: Labels.Defaults[i])).Where(p => p.v is not null)
            .ToDictionary(p => p.n, p => p.v!, StringComparer.Ordinal);

    /// <summary>For a histogram, the bucket upper bounds ending with <c>+Inf</c>; otherwise empty.</summary>
    public IReadOnlyList<double> UpperBounds => Definition.UpperBounds;

    /// <summary>For a histogram with native buckets, their options; otherwise null (see <see cref="MetricDefinition.NativeHistogram"/>).</summary>
    public NativeHistogramOptions? NativeHistogram => Definition.NativeHistogram;

    /// <summary>What each stored number of a series means, in order (the layout of <see cref="SeriesSnapshot.Values"/>).</summary>
    public IReadOnlyList<ValueKind> ValueLayout => Definition.ValueLayout;

    /// <summary>The backend this family's values live in (the current one when the family was created).</summary>
    public IBackend Backend { get; }

    /// <summary>
    /// For a gauge, how the values of many processes are combined (<see cref="Metrics.GaugeMode"/>); other types are
    /// global sums, <see cref="GaugeMode.Shared"/>.
    /// </summary>
    public GaugeMode GaugeMode => Definition.GaugeMode;

    /// <summary>
    /// The label names as exposed: <see cref="LabelNames"/>, followed by <see cref="GaugeModes.WriterLabel"/> for a
    /// gauge whose mode shows one series per writer. Series read by a collecting backend carry values for these names.
    /// </summary>
    public IReadOnlyList<string> ExpositionLabelNames => Definition.ExpositionLabelNames;

    /// <summary>
    /// The most label sets this process keeps for the family. Past it, a new label set does not create a series: its
    /// writes go to one overflow series whose every label is <see cref="OverflowLabelValue"/> (so totals stay right),
    /// the refusal is counted in <see cref="SeriesOverflows"/> and in <c>pytheus_series_overflows_total</c>, and a
    /// warning is logged once. The application never gets an exception for it.
    /// </summary>
    public int SeriesLimit { get; }

    /// <summary>How many times a new label set was sent to the overflow series because the family was at its <see cref="SeriesLimit"/>.</summary>
    public long SeriesOverflows => Interlocked.Read(ref _seriesOverflows);

    internal LabelSchema Labels { get; }

    internal int SumIndex => Definition.SumIndex;

    /// <summary>The slot of a native histogram's zero bucket count (right after the sum).</summary>
    internal int NativeZeroIndex => Definition.NativeZeroIndex;

    /// <summary>A summary's quantile objectives and window; null for other types and summaries without objectives.</summary>
    internal QuantileSettings? Quantiles => Definition.Quantiles;

    /// <summary>The clock that places a summary's observations in time windows (tests drive it).</summary>
    internal TimeProvider Clock
    {
        get => Definition.Clock;
        set => Definition.Clock = value;
    }

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
            : !Definition.SameNative(other.Definition)
                ? $"native buckets ({NativeHistogram?.ToString() ?? "none"}) vs ({other.NativeHistogram?.ToString() ?? "none"})"
            : GaugeMode != other.GaugeMode ? $"gauge mode {GaugeMode.ToConfigName()} vs {other.GaugeMode.ToConfigName()}"
            : (Quantiles is null) != (other.Quantiles is null) || (Quantiles is not null && !Quantiles.SameAs(other.Quantiles))
                ? $"quantile objectives [{string.Join(",", Quantiles?.Objectives ?? [])}] (max age {Quantiles?.MaxAge}, {Quantiles?.AgeBuckets} age buckets) vs [{string.Join(",", other.Quantiles?.Objectives ?? [])}] (max age {other.Quantiles?.MaxAge}, {other.Quantiles?.AgeBuckets} age buckets)"
            : string.Empty;
        return difference.Length == 0;
    }

    internal Metric? FindChild(string[] labelValues) => _children.TryGetValue(labelValues, out var child) ? child : null;

    /// <summary>
    /// Returns the child for a full label set, creating it once even when threads race — or, when the family already
    /// holds <see cref="SeriesLimit"/> series, the overflow child.
    /// </summary>
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
            if (_children.Count - (_overflowLabelValues is null ? 0 : 1) >= SeriesLimit)
            {
                return Overflow(create);
            }
            return AddChild(labelValues, create);
        }
    }

    /// <summary>
    /// Removes a series in this process (the backend may free what it holds for it) and, on a backend that supports
    /// it, for every process.
    /// </summary>
    internal bool RemoveChild(string[] labelValues)
    {
        lock (_childGate)
        {
            if (Backend is ISeriesRemovingBackend remover)
            {
                // Also when this process never created the series: another process may have.
                remover.RemoveSeries(Definition, labelValues);
            }
            if (!_children.TryRemove(labelValues, out var child))
            {
                return false;
            }
            if (ReferenceEquals(child.SeriesLabelValues, _overflowLabelValues))
            {
                _overflowLabelValues = null;
            }
            _childOrder.Remove(child);
            _sortedChildrenStale = true;
        }
        Backend.ReleaseSeries(Definition, labelValues);
        return true;
    }

    /// <summary>Removes every series in this process and, on a backend that supports it, for every process.</summary>
    internal void Clear()
    {
        Metric[] removed;
        lock (_childGate)
        {
            if (Backend is ISeriesRemovingBackend remover)
            {
                remover.RemoveAllSeries(Definition);
            }
            removed = [.. _childOrder];
            _children.Clear();
            _childOrder.Clear();
            _overflowLabelValues = null;
            _sortedChildrenStale = true;
        }
        foreach (var child in removed)
        {
            Backend.ReleaseSeries(Definition, child.SeriesLabelValues!);
        }
    }

    private Metric AddChild(string[] labelValues, Func<string[], Metric> create)
    {
        var child = create(labelValues);
        _childOrder.Add(child);
        _sortedChildrenStale = true;
        _children[labelValues] = child;
        return child;
    }

    /// <summary>The overflow child, created on first need. Caller holds the child gate.</summary>
    private Metric Overflow(Func<string[], Metric> create)
    {
        if (Interlocked.Increment(ref _seriesOverflows) == 1)
        {
            Diagnostics.PytheusLog.SeriesLimitReached(Name, SeriesLimit);
        }
        if (_overflowLabelValues is { } known && _children.TryGetValue(known, out var overflow))
        {
            return overflow;
        }
        var values = Enumerable.Repeat(OverflowLabelValue, LabelNames.Count).ToArray();
        _overflowLabelValues = values;
        return _children.TryGetValue(values, out var existing) ? existing : AddChild(values, create);
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
