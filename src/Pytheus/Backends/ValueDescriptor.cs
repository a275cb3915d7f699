using Pytheus.Metrics;

namespace Pytheus.Backends;

/// <summary>Identifies one stored number: which metric, which series (label values) and which slot of the series.</summary>
/// <param name="Definition">The definition of the metric family the number belongs to.</param>
/// <param name="LabelValues">The series' label values, aligned with <see cref="MetricDefinition.LabelNames"/>.</param>
/// <param name="Index">The slot in the definition's <see cref="MetricDefinition.ValueLayout"/>; -1 for a native histogram bucket or a summary's sketch bucket.</param>
public sealed record ValueDescriptor(MetricDefinition Definition, IReadOnlyList<string> LabelValues, int Index)
{
    /// <summary>Describes one count of a summary's quantile sketch (outside the value layout).</summary>
    /// <param name="definition">The definition of the summary the count belongs to.</param>
    /// <param name="labelValues">The series' label values.</param>
    /// <param name="sketch">The window and bucket.</param>
    public ValueDescriptor(MetricDefinition definition, IReadOnlyList<string> labelValues, SketchBucket sketch) : this(definition, labelValues, -1)
    {
        Sketch = sketch;
    }

    /// <summary>For a <see cref="ValueKind.SketchBucket"/>, which window and bucket; otherwise null.</summary>
    public SketchBucket? Sketch { get; }

    /// <summary>What the number means.</summary>
    public ValueKind Kind => Sketch is not null ? ValueKind.SketchBucket
        : NativeBucket is not null ? ValueKind.NativeBucket
        : Definition.ValueLayout[Index];

    /// <summary>For a native histogram bucket (<see cref="ValueKind.NativeBucket"/>), which one; otherwise null.</summary>
    public NativeBucket? NativeBucket { get; init; }

    /// <summary>For a <see cref="ValueKind.Bucket"/>, its upper bound (<c>+Inf</c> for the last); otherwise NaN.</summary>
    public double UpperBound => Kind == ValueKind.Bucket ? Definition.UpperBounds[Index] : double.NaN;
}
