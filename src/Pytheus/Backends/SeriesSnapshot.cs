namespace Pytheus.Backends;

/// <summary>The values of one series at collection time.</summary>
/// <param name="LabelValues">Label values aligned with the family's label names.</param>
/// <param name="Values">Values aligned with the family's <see cref="Metrics.MetricDefinition.ValueLayout"/>.</param>
public sealed record SeriesSnapshot(IReadOnlyList<string> LabelValues, IReadOnlyList<double> Values)
{
    /// <summary>
    /// For a histogram with native buckets, the counts of its sparse buckets, possibly of several schemas (merged to the
    /// lowest when exposed); null otherwise. The zero bucket's count is in <see cref="Values"/>
    /// (<see cref="ValueKind.NativeZeroCount"/>).
    /// </summary>
    public IReadOnlyList<NativeBucketCount>? NativeBuckets { get; init; }

    /// <summary>
    /// The latest exemplar of each slot of <see cref="Values"/> (a counter's value, each histogram bucket), aligned with
    /// it; null when the series has none.
    /// </summary>
    public IReadOnlyList<ExemplarSample?>? Exemplars { get; init; }
}
