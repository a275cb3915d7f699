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
    public static NativeBuckets Merge(IEnumerable<NativeBucketCount> buckets, int schema, int maxBuckets)
    {
        var nonEmpty = buckets.Where(b => b.Count != 0).ToList();
        if (nonEmpty.Count > 0)
        {
            schema = nonEmpty.Min(b => b.Bucket.Schema);
        }
        while (true)
        {
            var positive = Sum(nonEmpty, schema, negative: false);
            var negative = Sum(nonEmpty, schema, negative: true);
            if (maxBuckets == 0 || positive.Length + negative.Length <= maxBuckets || schema == NativeSchema.Min)
            {
                return new NativeBuckets(schema, positive, negative);
            }
            schema--;
        }
    }

    private static KeyValuePair<int, double>[] Sum(List<NativeBucketCount> buckets, int schema, bool negative)
    {
        var sums = new SortedDictionary<int, double>();
        foreach (var (bucket, count) in buckets)
        {
            if (bucket.IsNegative == negative)
            {
                var index = NativeSchema.Coarsen(bucket.Index, bucket.Schema - schema);
                sums[index] = sums.GetValueOrDefault(index) + count;
            }
        }
        return [.. sums];
    }
}
