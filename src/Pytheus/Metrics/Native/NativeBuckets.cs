using Pytheus.Backends;

namespace Pytheus.Metrics.Native;

/// <summary>
/// A series' native buckets as exposed: every bucket brought to one schema — the lowest any of them has, lowered further
/// while there are more than the limit — and summed per index, in increasing index order, empty buckets left out.
/// </summary>
internal sealed class NativeBuckets
{
    private NativeBuckets(int schema, KeyValuePair<int, double>[] positive, KeyValuePair<int, double>[] negative)
    {
        Schema = schema;
        Positive = positive;
        Negative = negative;
    }

    public int Schema { get; }

    /// <summary>Positive buckets: index and count, by increasing index.</summary>
    public KeyValuePair<int, double>[] Positive { get; }

    /// <summary>Negative buckets (by the index of their absolute value): index and count, by increasing index.</summary>
    public KeyValuePair<int, double>[] Negative { get; }

    /// <summary>
    /// Merges <paramref name="buckets"/> (of any schemas) to the lowest schema among the non-empty ones
    /// (<paramref name="schema"/> when there are none), then lowers it further, one step at a time, while more than
    /// <paramref name="maxBuckets"/> buckets remain (0: no limit), down to -4.
    /// </summary>
    public static NativeBuckets Merge(IReadOnlyList<NativeBucketCount> buckets, int schema, int maxBuckets)
    {
        var lowest = int.MaxValue;
        foreach (var (bucket, count) in buckets)
        {
            if (count != 0)
            {
                lowest = Math.Min(lowest, bucket.Schema);
            }
        }
        if (lowest != int.MaxValue)
        {
            schema = lowest;
        }
        while (true)
        {
            var positive = Sum(buckets, schema, negative: false);
            var negative = Sum(buckets, schema, negative: true);
            if (maxBuckets == 0 || positive.Length + negative.Length <= maxBuckets || schema == NativeSchema.Min)
            {
                return new NativeBuckets(schema, positive, negative);
            }
            schema--;
        }
    }

    /// <summary>One side's non-empty buckets at <paramref name="schema"/>, summed per index, by increasing index.</summary>
    private static KeyValuePair<int, double>[] Sum(IReadOnlyList<NativeBucketCount> buckets, int schema, bool negative)
    {
        var side = new KeyValuePair<int, double>[buckets.Count];
        var count = 0;
        foreach (var (bucket, value) in buckets)
        {
            if (bucket.IsNegative == negative && value != 0)
            {
                side[count++] = new(NativeSchema.Coarsen(bucket.Index, bucket.Schema - schema), value);
            }
        }
        if (count == 0)
        {
            return [];
        }
        Array.Sort(side, 0, count, IndexOrder.Instance);
        var merged = 0;
        for (var i = 1; i < count; i++)
        {
            if (side[i].Key == side[merged].Key)
            {
                side[merged] = new(side[merged].Key, side[merged].Value + side[i].Value);
            }
            else
            {
                side[++merged] = side[i];
            }
        }
        return side[..(merged + 1)];
    }

    private sealed class IndexOrder : IComparer<KeyValuePair<int, double>>
    {
        public static readonly IndexOrder Instance = new();

        public int Compare(KeyValuePair<int, double> x, KeyValuePair<int, double> y) => x.Key.CompareTo(y.Key);
    }
}
