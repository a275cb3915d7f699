using Pytheus.Metrics;

namespace Pytheus.Backends;

/// <summary>Identifies one stored number: which family, which series (label values) and which slot of the series.</summary>
/// <param name="Family">The metric family the number belongs to.</param>
/// <param name="LabelValues">The series' label values, aligned with <see cref="MetricFamily.LabelNames"/>.</param>
/// <param name="Index">The slot in the family's <see cref="MetricFamily.ValueLayout"/>; -1 for a native histogram bucket.</param>
public sealed record ValueDescriptor(MetricFamily Family, IReadOnlyList<string> LabelValues, int Index)
{
    /// <summary>What the number means.</summary>
    public ValueKind Kind => NativeBucket is null ? Family.ValueLayout[Index] : ValueKind.NativeBucket;

    /// <summary>For a native histogram bucket (<see cref="ValueKind.NativeBucket"/>), which one; otherwise null.</summary>
    public NativeBucket? NativeBucket { get; init; }

    /// <summary>For a <see cref="ValueKind.Bucket"/>, its upper bound (<c>+Inf</c> for the last); otherwise NaN.</summary>
    public double UpperBound => Kind == ValueKind.Bucket ? Family.UpperBounds[Index] : double.NaN;
}
