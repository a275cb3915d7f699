namespace Pytheus.Backends;

/// <summary>What one stored number of a series means.</summary>
public enum ValueKind
{
    /// <summary>The value of a counter or gauge.</summary>
    Value,

    /// <summary>The number of observations that fell into one histogram bucket (not cumulative).</summary>
    Bucket,

    /// <summary>The sum of a histogram's or summary's observations.</summary>
    Sum,

    /// <summary>The number of a summary's observations (a histogram's count is the sum of its buckets).</summary>
    Count,

    /// <summary>The number of a native histogram's observations in its zero bucket.</summary>
    NativeZeroCount,

    /// <summary>
    /// The number of a native histogram's observations in one sparse bucket (<see cref="ValueDescriptor.NativeBucket"/>
    /// says which). These are created as observations reach new buckets, not with the series.
    /// </summary>
    NativeBucket,

    /// <summary>
    /// A summary's estimate of one quantile objective, computed when collected from the sketch's counts (never stored:
    /// no store is created for it; a collecting backend computes it from the merged <see cref="SketchBucket"/> counts).
    /// </summary>
    Quantile,

    /// <summary>
    /// One count of a summary's quantile sketch (see <see cref="Backends.SketchBucket"/>): not in the value layout — its
    /// stores are created as observations reach new windows and buckets, described by <see cref="ValueDescriptor.Sketch"/>.
    /// </summary>
    SketchBucket,
}
