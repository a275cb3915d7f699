using Pytheus.Backends;
using Pytheus.Metrics.Quantiles;

namespace Pytheus.Metrics;

/// <summary>
/// What a metric family is, as backends and exposition formats see it: name, help, type, label names, value layout
/// and bucket bounds. Immutable; it never refers back to the family's series, registry or backend, so a backend can
/// key its storage on it and keep it as long as it likes.
/// </summary>
/// <remarks>
/// Each <see cref="MetricFamily"/> has exactly one definition object (<see cref="MetricFamily.Definition"/>), so
/// reference identity distinguishes families; <see cref="IsSameAs"/> compares what two definitions say.
/// </remarks>
public sealed class MetricDefinition
{
    private static readonly ValueKind[] ValueLayoutSingle = [ValueKind.Value];
    private static readonly ValueKind[] ValueLayoutSummary = [ValueKind.Sum, ValueKind.Count];

    internal MetricDefinition(
        string name, string help, MetricType type, string[] labelNames, double[] upperBounds, GaugeMode gaugeMode,
        NativeHistogramOptions? nativeHistogram = null, QuantileSettings? quantiles = null)
    {
        Quantiles = type == MetricType.Summary ? quantiles : null;
        Name = name;
        Help = help;
        Type = type;
        LabelNames = labelNames;
        UpperBounds = upperBounds;
        GaugeMode = type == MetricType.Gauge ? gaugeMode : GaugeMode.Shared;
        ExpositionLabelNames = GaugeMode.HasWriterLabel() ? [.. labelNames, GaugeModes.WriterLabel] : labelNames;
        NativeHistogram = type == MetricType.Histogram ? nativeHistogram : null;
        ValueLayout = type switch
        {
            MetricType.Histogram when NativeHistogram is not null =>
                [.. Enumerable.Repeat(ValueKind.Bucket, upperBounds.Length), ValueKind.Sum, ValueKind.NativeZeroCount],
            MetricType.Histogram => [.. Enumerable.Repeat(ValueKind.Bucket, upperBounds.Length), ValueKind.Sum],
            MetricType.Summary when Quantiles is { } q => [.. ValueLayoutSummary, .. Enumerable.Repeat(ValueKind.Quantile, q.Objectives.Count)],
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
    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>
    /// The label names as exposed: <see cref="LabelNames"/>, followed by <see cref="GaugeModes.WriterLabel"/> for a
    /// gauge whose mode shows one series per writer. Series read by a collecting backend carry values for these names.
    /// </summary>
    public IReadOnlyList<string> ExpositionLabelNames { get; }

    /// <summary>For a histogram, the bucket upper bounds ending with <c>+Inf</c>; otherwise empty.</summary>
    public IReadOnlyList<double> UpperBounds { get; }

    /// <summary>
    /// For a histogram with native buckets, their options (validated); otherwise null. Such a histogram's series also
    /// hold a <see cref="ValueKind.NativeZeroCount"/> (last in <see cref="ValueLayout"/>) and the sparse buckets
    /// (<see cref="ValueKind.NativeBucket"/>) observations reach, created as they are reached.
    /// </summary>
    public NativeHistogramOptions? NativeHistogram { get; }

    /// <summary>What each stored number of a series means, in order (the layout of <see cref="SeriesSnapshot.Values"/>).</summary>
    public IReadOnlyList<ValueKind> ValueLayout { get; }

    /// <summary>
    /// For a gauge, how the values of many processes are combined (<see cref="Metrics.GaugeMode"/>); other types are
    /// global sums, <see cref="GaugeMode.Shared"/>.
    /// </summary>
    public GaugeMode GaugeMode { get; }

    /// <summary>
    /// For a summary with quantile objectives, the objectives (ascending) whose estimates follow sum and count in
    /// <see cref="ValueLayout"/> (<see cref="ValueKind.Quantile"/>); empty otherwise.
    /// </summary>
    public IReadOnlyList<double> Objectives => Quantiles?.Objectives ?? [];

    /// <summary>A summary's quantile objectives and sliding window; null for other types and summaries without objectives.</summary>
    internal QuantileSettings? Quantiles { get; }

    /// <summary>The clock that places a summary's observations in time windows (tests drive it).</summary>
    internal TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>The slot of the sum in <see cref="ValueLayout"/> (histograms and summaries).</summary>
    internal int SumIndex { get; }

    /// <summary>The slot of a native histogram's zero bucket count (right after the sum).</summary>
    internal int NativeZeroIndex => SumIndex + 1;

    /// <summary>Whether <paramref name="other"/> defines the same numbers: same name, type, labels, bounds, gauge mode, native buckets and quantile objectives and window (help aside).</summary>
    public bool IsSameAs(MetricDefinition other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ReferenceEquals(this, other) || (Name == other.Name && Type == other.Type && GaugeMode == other.GaugeMode
            && LabelNames.SequenceEqual(other.LabelNames) && UpperBounds.SequenceEqual(other.UpperBounds) && SameNative(other)
            && (Quantiles is null ? other.Quantiles is null : Quantiles.SameAs(other.Quantiles)));
    }

    /// <summary>Whether both have native buckets of the same options, or neither has.</summary>
    internal bool SameNative(MetricDefinition other) =>
        NativeHistogram is null ? other.NativeHistogram is null : other.NativeHistogram is not null && NativeHistogram.SameAs(other.NativeHistogram);

    /// <inheritdoc />
    public override string ToString() => $"{Type.ToString().ToLowerInvariant()} {Name}";
}
