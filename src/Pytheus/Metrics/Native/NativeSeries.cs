using Pytheus.Backends;

namespace Pytheus.Metrics.Native;

/// <summary>
/// The native buckets of one histogram series. <see cref="Observe"/> finds the bucket's store in the current schema's
/// table without a lock and adds to it (one atomic add on the in-process backend); only a bucket seen for the first
/// time takes the lock, asks the backend for a store, and — when the series would then hold more than its limit —
/// lowers the schema first.
/// </summary>
/// <remarks>
/// Lowering the schema does not move counts: the stores of the finer schema keep theirs (an observation racing with the
/// change may still land there, and is kept) and are merged into the coarser buckets when read. So a backend shared by
/// processes that lowered their schemas at different times holds buckets of several schemas, and every reader merges
/// them the same way (<see cref="NativeBuckets"/>).
/// </remarks>
internal sealed class NativeSeries
{
    private readonly object _gate = new();
    private readonly Func<NativeBucket, IValueStore> _create;
    private readonly double _zeroThreshold;
    private readonly int _maxBuckets;
    private readonly HashSet<(bool Negative, int Index)> _occupied = [];
    private Layout _layout;
    private NativeBucketStore[] _all = [];

    public NativeSeries(NativeHistogramOptions options, IValueStore zero, Func<NativeBucket, IValueStore> create)
    {
        Zero = zero;
        _create = create;
        _zeroThreshold = options.ZeroThreshold;
        _maxBuckets = options.MaxBucketCount;
        _layout = new Layout(options.EffectiveSchema, NativeBucketTable.Empty, NativeBucketTable.Empty);
    }

    /// <summary>The zero bucket's store.</summary>
    public IValueStore Zero { get; }

    /// <summary>The schema new observations are counted at.</summary>
    public int Schema => Volatile.Read(ref _layout).Schema;

    /// <summary>Counts <paramref name="count"/> observations of <paramref name="value"/>. NaN is counted by no native bucket.</summary>
    public void Observe(double value, long count)
    {
        var magnitude = Math.Abs(value);
        if (magnitude <= _zeroThreshold)
        {
            Zero.Inc(count);
            return;
        }
        if (double.IsNaN(value))
        {
            return;
        }
        var layout = Volatile.Read(ref _layout);
        var negative = value < 0;
        var store = (negative ? layout.Negative : layout.Positive).Find(NativeSchema.Index(magnitude, layout.Schema))
            ?? AddBucket(negative, magnitude);
        store.Inc(count);
    }

    /// <summary>Every bucket store this series created, of every schema it used.</summary>
    public NativeBucketStore[] Buckets => Volatile.Read(ref _all);

    /// <summary>The counts of every bucket, read now.</summary>
    public NativeBucketCount[] Read()
    {
        var all = Buckets;
        var counts = new NativeBucketCount[all.Length];
        for (var i = 0; i < all.Length; i++)
        {
            counts[i] = new NativeBucketCount(all[i].Bucket, all[i].Store.Get());
        }
        return counts;
    }

    /// <summary>Adds the count of every bucket, read now, to <paramref name="into"/> (a scrape: no allocation).</summary>
    public void ReadInto(NativeBuckets into)
    {
        // One small loop body: a scrape of many series waits on memory for each store, and the fewer instructions an
        // iteration takes, the more of those reads the processor has in flight at once.
        var all = Buckets;
        var counts = into.AddRange(all.Length);
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = new NativeBucketCount(all[i].Bucket, all[i].Store.Get());
        }
    }

    private IValueStore AddBucket(bool negative, double magnitude)
    {
        lock (_gate)
        {
            var layout = _layout;
            var index = NativeSchema.Index(magnitude, layout.Schema);
            if ((negative ? layout.Negative : layout.Positive).Find(index) is { } existing)
            {
                return existing;
            }
            if (_maxBuckets > 0 && !_occupied.Contains((negative, index)) && _occupied.Count >= _maxBuckets && layout.Schema > NativeSchema.Min)
            {
                layout = Lower(layout.Schema, negative, magnitude);
                index = NativeSchema.Index(magnitude, layout.Schema);
            }
            var bucket = new NativeBucket(layout.Schema, index, negative);
            var store = _create(bucket);
            _occupied.Add((negative, index));
            Volatile.Write(ref _all, [.. _all, new NativeBucketStore(bucket, store)]);
            Volatile.Write(ref _layout, negative
                ? layout with { Negative = layout.Negative.With(index, store) }
                : layout with { Positive = layout.Positive.With(index, store) });
            return store;
        }
    }

    /// <summary>
    /// The coarsest change of schema that keeps the series (with the new observation) within its limit, or -4. The new
    /// schema starts with empty tables: its stores are created as observations reach them.
    /// </summary>
    private Layout Lower(int schema, bool negative, double magnitude)
    {
        while (schema > NativeSchema.Min)
        {
            schema--;
            _occupied.Clear();
            foreach (var held in _all)
            {
                _occupied.Add((held.Bucket.IsNegative, NativeSchema.Coarsen(held.Bucket.Index, held.Bucket.Schema - schema)));
            }
            var needed = _occupied.Count + (_occupied.Contains((negative, NativeSchema.Index(magnitude, schema))) ? 0 : 1);
            if (needed <= _maxBuckets)
            {
                break;
            }
        }
        return new Layout(schema, NativeBucketTable.Empty, NativeBucketTable.Empty);
    }

    private sealed record Layout(int Schema, NativeBucketTable Positive, NativeBucketTable Negative);
}
