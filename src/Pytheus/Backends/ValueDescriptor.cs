using Pytheus.Metrics;

namespace Pytheus.Backends;

/// <summary>Identifies one stored number: which metric, which series (label values) and which slot of the series.</summary>
/// <param name="Definition">The definition of the metric family the number belongs to.</param>
/// <param name="LabelValues">The series' label values, aligned with <see cref="MetricDefinition.LabelNames"/>.</param>
/// <param name="Index">The slot in the definition's <see cref="MetricDefinition.ValueLayout"/>; -1 for a native histogram bucket.</param>
public sealed record ValueDescriptor(MetricDefinition Definition, IReadOnlyList<string> LabelValues, int Index)
{
    /// <summary>What the number means.</summary>
    public ValueKind Kind => NativeBucket is null ? Definition.ValueLayout[Index] : ValueKind.NativeBucket;

    /// <summary>For a native histogram bucket (<see cref="ValueKind.NativeBucket"/>), which one; otherwise null.</summary>
    public NativeBucket? NativeBucket { get; init; }

    /// <summary>For a <see cref="ValueKind.Bucket"/>, its upper bound (<c>+Inf</c> for the last); otherwise NaN.</summary>
    public double UpperBound => Kind == ValueKind.Bucket ? Definition.UpperBounds[Index] : double.NaN;
}
