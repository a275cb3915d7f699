namespace Pytheus.Backends;

/// <summary>The values of one series at collection time.</summary>
/// <param name="LabelValues">Label values aligned with the family's label names.</param>
/// <param name="Values">Values aligned with the family's <see cref="Metrics.MetricDefinition.ValueLayout"/>.</param>
public sealed record SeriesSnapshot(IReadOnlyList<string> LabelValues, IReadOnlyList<double> Values);
