namespace Pytheus.Metrics.Quantiles;

/// <summary>
/// The bucket mapping of the quantile sketch (DDSketch's logarithmic mapping): a value <c>x &gt; 0</c> goes to bucket
/// <c>k = ⌈log_γ x⌉</c>, which holds <c>(γ^(k−1), γ^k]</c>, and a bucket stands for <c>2γ^k / (γ + 1)</c> — within
/// <see cref="RelativeAccuracy"/> of every value in it, with <c>γ = (1 + α) / (1 − α)</c>. Buckets are plain counts, so
/// sketches of many writers merge by adding counts bucket by bucket.
/// </summary>
/// <remarks>
/// A bucket is named by one integer id, ordered as the values it holds: <c>0</c> for magnitudes below
/// <see cref="MinIndexable"/> (estimated as 0), <c>1..</c><see cref="Span"/> for positive values, the negated ids for
/// negative ones. Magnitudes above <see cref="MaxIndexable"/> (and infinities) count in the last bucket.
/// </remarks>
internal static class LogBuckets
{
    /// <summary>α: an estimate is within this fraction of the value it stands for.</summary>
    public const double RelativeAccuracy = 0.01;

    /// <summary>Smallest magnitude with a bucket of its own; smaller ones count as 0.</summary>
    public const double MinIndexable = 1e-9;

    /// <summary>Largest magnitude the accuracy holds for; larger ones count in the last bucket.</summary>
    public const double MaxIndexable = 1e15;

    public static readonly double Gamma = (1 + RelativeAccuracy) / (1 - RelativeAccuracy);

    private static readonly double InverseLogGamma = 1 / Math.Log(Gamma);

    private static readonly int MinKey = Key(MinIndexable);

    private static readonly int MaxKey = Key(MaxIndexable);

    /// <summary>Number of buckets on each side of zero.</summary>
    public static readonly int Span = MaxKey - MinKey + 1;

    /// <summary>The bucket of <paramref name="value"/> (not NaN).</summary>
    public static int Id(double value)
    {
        var magnitude = Math.Abs(value);
        if (!(magnitude >= MinIndexable))
        {
            return 0;
        }
        var key = magnitude >= MaxIndexable ? MaxKey : Math.Clamp(Key(magnitude), MinKey, MaxKey);
        var id = key - MinKey + 1;
        return value < 0 ? -id : id;
    }

    /// <summary>The value bucket <paramref name="id"/> stands for.</summary>
    public static double Value(int id)
    {
        if (id == 0)
        {
            return 0;
        }
        var key = Math.Abs(id) - 1 + MinKey;
        var estimate = 2 * Math.Pow(Gamma, key) / (Gamma + 1);
        return id < 0 ? -estimate : estimate;
    }

    private static int Key(double magnitude) => (int)Math.Ceiling(Math.Log(magnitude) * InverseLogGamma);
}
