using Pytheus.Backends;

namespace Pytheus.Metrics.Native;

/// <summary>
/// A series' native buckets as exposed: every bucket brought to one schema — the lowest any of them has, lowered further
/// while there are more than the limit — and summed per index, in increasing index order, empty buckets left out.
/// One instance is reused for every series of a scrape (<see cref="Clear"/>, <see cref="AddRange"/>, <see cref="Merge(int, int)"/>):
/// its arrays grow to the largest series and are kept, so a scrape allocates nothing per series.
/// </summary>
internal sealed class NativeBuckets
{
    private NativeBucketCount[] _added = new NativeBucketCount[16];
    private int _addedCount;
    private KeyValuePair<int, double>[] _positive = new KeyValuePair<int, double>[16];
    private KeyValuePair<int, double>[] _negative = new KeyValuePair<int, double>[16];
    private int _positiveCount;
    private int _negativeCount;

    /// <summary>The schema of <see cref="Positive"/> and <see cref="Negative"/> after <see cref="Merge(int, int)"/>.</summary>
    public int Schema { get; private set; }

    /// <summary>Positive buckets: index and count, by increasing index.</summary>
    public ReadOnlySpan<KeyValuePair<int, double>> Positive => _positive.AsSpan(0, _positiveCount);

    /// <summary>Negative buckets (by the index of their absolute value): index and count, by increasing index.</summary>
    public ReadOnlySpan<KeyValuePair<int, double>> Negative => _negative.AsSpan(0, _negativeCount);

    /// <summary>Forgets the buckets added and merged (the arrays are kept).</summary>
    public void Clear()
    {
        _addedCount = 0;
        _positiveCount = 0;
        _negativeCount = 0;
    }

    /// <summary>
    /// Makes room for <paramref name="count"/> more bucket counts (of any schema; several of one bucket add up) and
    /// returns them, to be filled by the caller.
    /// </summary>
    public Span<NativeBucketCount> AddRange(int count)
    {
        if (_added.Length - _addedCount < count)
        {
            Array.Resize(ref _added, Math.Max(_added.Length * 2, _addedCount + count));
        }
        _addedCount += count;
        return _added.AsSpan(_addedCount - count, count);
    }

    /// <summary>Adds every count of <paramref name="buckets"/> (a collected series').</summary>
    public void AddAll(IReadOnlyList<NativeBucketCount> buckets)
    {
        var counts = AddRange(buckets.Count);
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = buckets[i];
        }
    }

    /// <summary>Merges <paramref name="buckets"/> into a new instance (see <see cref="Merge(int, int)"/>).</summary>
    public static NativeBuckets Merge(IReadOnlyList<NativeBucketCount> buckets, int schema, int maxBuckets)
    {
        var merged = new NativeBuckets();
        merged.AddAll(buckets);
        merged.Merge(schema, maxBuckets);
        return merged;
    }

    /// <summary>
    /// Merges the buckets added to the lowest schema among the non-empty ones (<paramref name="schema"/> when there are
    /// none), then lowers it further, one step at a time, while more than <paramref name="maxBuckets"/> buckets remain
    /// (0: no limit), down to -4.
    /// </summary>
    public void Merge(int schema, int maxBuckets)
    {
        var added = _added.AsSpan(0, _addedCount);
        var lowest = int.MaxValue;
        foreach (var (bucket, count) in added)
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
        if (_positive.Length < added.Length)
        {
            _positive = new KeyValuePair<int, double>[added.Length];
            _negative = new KeyValuePair<int, double>[added.Length];
        }
        while (true)
        {
            Sum(added, schema);
            if (maxBuckets == 0 || _positiveCount + _negativeCount <= maxBuckets || schema == NativeSchema.Min)
            {
                Schema = schema;
                return;
            }
            schema--;
        }
    }

    /// <summary>Both sides' non-empty buckets at <paramref name="schema"/>, summed per index, by increasing index.</summary>
    private void Sum(ReadOnlySpan<NativeBucketCount> buckets, int schema)
    {
        var (positive, negative) = (0, 0);
        var sorted = true;
        foreach (var (bucket, value) in buckets)
        {
            if (value == 0)
            {
                continue;
            }
            var index = NativeSchema.Coarsen(bucket.Index, bucket.Schema - schema);
            var side = bucket.IsNegative ? _negative : _positive;
            ref var count = ref bucket.IsNegative ? ref negative : ref positive;
            sorted &= count == 0 || side[count - 1].Key <= index;
            side[count++] = new(index, value);
        }
        _positiveCount = Combine(_positive, positive, sorted);
        _negativeCount = Combine(_negative, negative, sorted);
    }

    /// <summary>Sorts the first <paramref name="count"/> buckets of <paramref name="side"/> by index (unless already) and sums those of one index; returns how many remain.</summary>
    private static int Combine(KeyValuePair<int, double>[] side, int count, bool sorted)
    {
        if (count == 0)
        {
            return 0;
        }
        // A local series adds its buckets in the order they were created: often already sorted.
        if (!sorted)
        {
            side.AsSpan(0, count).Sort(static (x, y) => x.Key.CompareTo(y.Key));
        }
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
        return merged + 1;
    }
}
