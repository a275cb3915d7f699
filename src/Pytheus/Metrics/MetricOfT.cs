using Pytheus.Backends;
using Pytheus.Registry;

namespace Pytheus.Metrics;

/// <summary>Label selection shared by every metric type, returning the concrete type.</summary>
/// <typeparam name="TSelf">The concrete metric type.</typeparam>
public abstract class Metric<TSelf> : Metric where TSelf : Metric<TSelf>
{
    private protected Metric(
        MetricType type, string name, string description, IEnumerable<string>? requiredLabels,
        IEnumerable<KeyValuePair<string, string>>? defaultLabels, IEnumerable<double>? buckets, CollectorRegistry? registry,
        string? reservedLabel, IBackend? backend, int seriesLimit, GaugeMode gaugeMode = GaugeMode.Shared,
        NativeHistogramOptions? nativeHistogram = null, Quantiles.QuantileSettings? quantiles = null)
        : base(type, name, description, requiredLabels, defaultLabels, buckets, registry, reservedLabel, backend, seriesLimit, gaugeMode, nativeHistogram, quantiles)
    {
    }

    private protected Metric(MetricFamily family, string?[] explicitLabelValues) : base(family, explicitLabelValues)
    {
    }

    /// <summary>
    /// Adds label values to this view. While some required label still lacks a value the result is a partial view,
    /// which may be kept and extended by further calls; once all have one (explicitly or by default) it is the child
    /// for that label set — always the same object for the same effective labels.
    /// </summary>
    /// <exception cref="LabelValidationException">A label is unknown, given twice, or its value is null.</exception>
    public TSelf Labels(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return WithLabels(labels);
    }

    /// <inheritdoc cref="Labels(IReadOnlyDictionary{string, string})"/>
    public TSelf Labels(params (string Name, string Value)[] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return WithLabels(labels.Select(l => new KeyValuePair<string, string>(l.Name, l.Value)));
    }

    /// <summary>
    /// The child for a full set of label values given in declaration order of the required labels (the fast lookup).
    /// </summary>
    /// <exception cref="LabelValidationException">The number of values differs from the number of labels, or a value is null.</exception>
    public TSelf WithLabelValues(params string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Family.FindChild(values) as TSelf ?? WithLabelValuesSlow(values);
    }

    // Separate from WithLabelValues: the lambda's closure over `values` would otherwise be allocated on every call,
    // including cache hits.
    private TSelf WithLabelValuesSlow(string[] values)
    {
        if (values.Length != Family.LabelNames.Count)
        {
            throw new LabelValidationException(
                $"Metric '{Name}' has {Family.LabelNames.Count} label(s) ({DescribeLabelNames()}) but {values.Length} value(s) were given.", nameof(values));
        }
        return WithLabels(Family.LabelNames.Select((n, i) => new KeyValuePair<string, string>(n, values[i])));
    }

    /// <summary>
    /// Removes the series with these label values (declaration order): it is no longer exposed, a later
    /// <c>Labels(...)</c> creates a fresh one starting from zero, and a backend shared by many processes removes it for
    /// every process (see <see cref="ISeriesRemovingBackend"/>). A child object still held keeps working but writes to
    /// the removed series, which is not exposed again from this process.
    /// </summary>
    /// <returns>Whether this process had such a series.</returns>
    /// <exception cref="LabelValidationException">The number of values differs from the number of labels.</exception>
    public bool RemoveLabelValues(params string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != Family.LabelNames.Count)
        {
            throw new LabelValidationException(
                $"Metric '{Name}' has {Family.LabelNames.Count} label(s) ({DescribeLabelNames()}) but {values.Length} value(s) were given.");
        }
        return Family.RemoveChild(values);
    }

    /// <summary>
    /// Removes every series of the metric, in this process and — on a backend shared by many processes — for every
    /// process; the series limit counts from zero again.
    /// </summary>
    public void Clear() => Family.Clear();

    private string DescribeLabelNames() => string.Join(", ", Family.LabelNames);

    private TSelf WithLabels(IEnumerable<KeyValuePair<string, string>> labels)
    {
        var list = labels as IReadOnlyCollection<KeyValuePair<string, string>> ?? labels.ToList();
        if (list.Count == 0)
        {
            return (TSelf)this;
        }
        var merged = Family.Labels.Merge(ExplicitLabelValues, list);
        var values = Family.Labels.Effective(merged);
        if (values is null)
        {
            return CreateView(merged);
        }
        if (Family.FindChild(values) is TSelf existing)
        {
            return existing;
        }
        return (TSelf)CreateView(values!).AttachSeries()!;
    }

    /// <summary>Creates an unattached view of the same family with the given explicit label values.</summary>
    private protected abstract TSelf CreateView(string?[] explicitLabelValues);
}
