using Pytheus.Metrics;

namespace Pytheus.Backends;

/// <summary>Identifies one stored number: which family, which series (label values) and which slot of the series.</summary>
/// <param name="Family">The metric family the number belongs to.</param>
/// <param name="LabelValues">The series' label values, aligned with <see cref="MetricFamily.LabelNames"/>.</param>
/// <param name="Index">The slot in the family's <see cref="MetricFamily.ValueLayout"/>.</param>
public sealed record ValueDescriptor(MetricFamily Family, IReadOnlyList<string> LabelValues, int Index)
{
    /// <summary>What the number means.</summary>
    public ValueKind Kind => Family.ValueLayout[Index];

    /// <summary>For a <see cref="ValueKind.Bucket"/>, its upper bound (<c>+Inf</c> for the last); otherwise NaN.</summary>
    public double UpperBound => Kind == ValueKind.Bucket ? Family.UpperBounds[Index] : double.NaN;
}
