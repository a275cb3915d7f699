using Pytheus.Backends;

namespace Pytheus.Metrics.Native;

/// <summary>
/// The stores of one side (positive or negative) of a native series at one schema, by bucket index: an immutable
/// open-addressing table, read without a lock or an allocation by <c>Observe</c> and replaced whole (copy on write)
/// when a bucket is added — which happens once per bucket, under the series' lock.
/// </summary>
internal sealed class NativeBucketTable
{
    public static readonly NativeBucketTable Empty = new([], [], 0, 0);

    private readonly int[] _indexes;
    private readonly IValueStore?[] _stores;
    private readonly int _shift;

    private NativeBucketTable(int[] indexes, IValueStore?[] stores, int shift, int count)
    {
        _indexes = indexes;
        _stores = stores;
        _shift = shift;
        Count = count;
    }

    public int Count { get; }

    /// <summary>The store of bucket <paramref name="index"/>, or null when the series has none yet.</summary>
    public IValueStore? Find(int index)
    {
        var stores = _stores;
        if (stores.Length == 0)
        {
            return null;
        }
        var mask = stores.Length - 1;
        for (var slot = Slot(index, _shift); ; slot = (slot + 1) & mask)
        {
            var store = stores[slot];
            if (store is null || _indexes[slot] == index)
            {
                return store;
            }
        }
    }

    /// <summary>A table holding this one's buckets and <paramref name="index"/>'s <paramref name="store"/>; at most half full.</summary>
    public NativeBucketTable With(int index, IValueStore store)
    {
        var bits = 3;
        while ((1 << bits) < 2 * (Count + 1))
        {
            bits++;
        }
        var indexes = new int[1 << bits];
        var stores = new IValueStore?[1 << bits];
        var shift = 32 - bits;
        for (var slot = 0; slot < _stores.Length; slot++)
        {
            if (_stores[slot] is { } existing)
            {
                Insert(indexes, stores, shift, _indexes[slot], existing);
            }
        }
        Insert(indexes, stores, shift, index, store);
        return new NativeBucketTable(indexes, stores, shift, Count + 1);
    }

    private static void Insert(int[] indexes, IValueStore?[] stores, int shift, int index, IValueStore store)
    {
        var mask = stores.Length - 1;
        var slot = Slot(index, shift);
        while (stores[slot] is not null)
        {
            slot = (slot + 1) & mask;
        }
        indexes[slot] = index;
        stores[slot] = store;
    }

    // Fibonacci hashing: neighbouring indexes (the usual case) spread over the table.
    private static int Slot(int index, int shift) => (int)(unchecked((uint)index * 2654435769u) >> shift);
}
