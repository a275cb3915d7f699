namespace Pytheus.Metrics.Native;

/// <summary>
/// The bucket arithmetic of Prometheus native histograms. At schema <c>s</c> the bucket boundaries are the powers of
/// <c>base = 2^(2^-s)</c>; bucket <c>i</c> holds <c>(base^(i-1), base^i]</c> (upper-inclusive, so 1 is the upper bound
/// of bucket 0 at every schema), and a negative observation goes to the bucket of its absolute value on the negative side.
/// </summary>
internal static class NativeSchema
{
    public const int Min = -4;
    public const int Max = 8;

    private const long MantissaMask = (1L << 52) - 1;

    // For schema s > 0: the boundaries within one power of two, scaled into [0.5, 1) (a frexp fraction's range):
    // Fractions[s][j] = 2^(j / 2^s) / 2. Each entry is the correctly rounded double of that power.
    private static readonly double[][] Fractions = BuildFractions();

    /// <summary>The bucket index of <paramref name="magnitude"/> (positive, possibly +Inf) at <paramref name="schema"/>.</summary>
    /// <remarks>
    /// +Inf goes to the bucket after the one holding <see cref="double.MaxValue"/>, so that it stays above every finite
    /// observation.
    /// </remarks>
    public static int Index(double magnitude, int schema)
    {
        var bits = BitConverter.DoubleToInt64Bits(magnitude);
        var biased = (int)(bits >> 52);
        if (biased == 0x7FF)
        {
            return Index(double.MaxValue, schema) + 1;
        }
        // magnitude = fraction * 2^exponent with fraction in [0.5, 1).
        int exponent;
        double fraction;
        if (biased != 0)
        {
            exponent = biased - 1022;
            fraction = BitConverter.Int64BitsToDouble((bits & MantissaMask) | (1022L << 52));
        }
        else
        {
            // Subnormal: rare enough for the library's exact (slower) decomposition.
            exponent = Math.ILogB(magnitude) + 1;
            fraction = Math.ScaleB(magnitude, -exponent);
        }
        if (schema > 0)
        {
            var fractions = Fractions[schema];
            // The first boundary at or above the fraction; past the last one it is 1 (the next power of two).
            var low = 0;
            var high = fractions.Length;
            while (low < high)
            {
                var middle = (low + high) >> 1;
                if (fractions[middle] >= fraction)
                {
                    high = middle;
                }
                else
                {
                    low = middle + 1;
                }
            }
            return low + ((exponent - 1) << schema);
        }
        // Schema 0: the smallest i with 2^i >= magnitude; an exact power of two is the upper bound of its bucket.
        var index = fraction == 0.5 ? exponent - 1 : exponent;
        return Coarsen(index, -schema);
    }

    /// <summary>
    /// The index at schema <c>s - <paramref name="steps"/></c> of bucket <paramref name="index"/> at schema <c>s</c>:
    /// <c>ceil(index / 2^steps)</c>, since the coarse bucket <c>j</c> spans the fine buckets <c>2^steps·(j-1)+1 .. 2^steps·j</c>.
    /// </summary>
    public static int Coarsen(int index, int steps) => steps == 0 ? index : (int)(((long)index + (1L << steps) - 1) >> steps);

    /// <summary>The upper bound of bucket <paramref name="index"/> at <paramref name="schema"/> (its absolute value on the negative side).</summary>
    public static double UpperBound(int index, int schema) => Math.Pow(2, Math.ScaleB(index, -schema));

    /// <summary>
    /// The schema whose bucket factor <c>2^(2^-schema)</c> is the largest at most <paramref name="factor"/> (the coarsest
    /// resolution that is fine enough); <see cref="Max"/> when even its factor is larger.
    /// </summary>
    public static int ForFactor(double factor)
    {
        for (var schema = Min; schema < Max; schema++)
        {
            if (Math.Pow(2, Math.ScaleB(1, -schema)) <= factor)
            {
                return schema;
            }
        }
        return Max;
    }

    private static double[][] BuildFractions()
    {
        var all = new double[Max + 1][];
        for (var schema = 1; schema <= Max; schema++)
        {
            var count = 1 << schema;
            var fractions = new double[count];
            for (var j = 0; j < count; j++)
            {
                fractions[j] = Math.Pow(2, (double)j / count - 1);
            }
            all[schema] = fractions;
        }
        return all;
    }
}
