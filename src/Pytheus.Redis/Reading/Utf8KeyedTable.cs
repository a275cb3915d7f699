namespace Pytheus.Backends.Redis;

/// <summary>
/// A hash table keyed by UTF-8 bytes that is looked up with a span, so that a scrape finds each field read from Redis
/// without copying it into an array first (.NET 8 has no span lookup into a <see cref="Dictionary{TKey, TValue}"/>).
/// Not thread-safe: its reader holds a lock.
/// </summary>
internal sealed class Utf8KeyedTable<TValue>
{
    private int[] _buckets = new int[16];
    private Entry[] _entries = new Entry[16];
    private int _used;
    private int _free = -1;

    /// <summary>The number of keys.</summary>
    public int Count { get; private set; }

    public bool TryGetValue(ReadOnlySpan<byte> key, out TValue value)
    {
        var hash = Hash(key);
        for (var i = _buckets[hash & (_buckets.Length - 1)] - 1; i >= 0; i = _entries[i].Next)
        {
            ref var entry = ref _entries[i];
            if (entry.Hash == hash && key.SequenceEqual(entry.Key.Span))
            {
                value = entry.Value;
                return true;
            }
        }
        value = default!;
        return false;
    }

    /// <summary>Adds <paramref name="key"/> (kept, not copied: its bytes must not change) unless present; false when it was.</summary>
    public bool TryAdd(ReadOnlyMemory<byte> key, TValue value)
    {
        if (TryGetValue(key.Span, out _))
        {
            return false;
        }
        if (_free < 0 && _used == _entries.Length)
        {
            Grow();
        }
        var hash = Hash(key.Span);
        int index;
        if (_free >= 0)
        {
            index = _free;
            _free = _entries[index].Next;
        }
        else
        {
            index = _used++;
        }
        ref var bucket = ref _buckets[hash & (_buckets.Length - 1)];
        _entries[index] = new Entry { Key = key, Hash = hash, Value = value, Next = bucket - 1 };
        bucket = index + 1;
        Count++;
        return true;
    }

    /// <summary>Removes every key whose value matches <paramref name="remove"/>.</summary>
    public void RemoveWhere(Func<TValue, bool> remove)
    {
        for (var b = 0; b < _buckets.Length; b++)
        {
            var previous = -1;
            var i = _buckets[b] - 1;
            while (i >= 0)
            {
                ref var entry = ref _entries[i];
                var next = entry.Next;
                if (remove(entry.Value))
                {
                    if (previous < 0)
                    {
                        _buckets[b] = next + 1;
                    }
                    else
                    {
                        _entries[previous].Next = next;
                    }
                    entry = new Entry { Next = _free };
                    _free = i;
                    Count--;
                }
                else
                {
                    previous = i;
                }
                i = next;
            }
        }
    }

    /// <summary>Removes <paramref name="key"/>; false when absent.</summary>
    public bool Remove(ReadOnlySpan<byte> key)
    {
        var hash = Hash(key);
        ref var bucket = ref _buckets[hash & (_buckets.Length - 1)];
        for (int i = bucket - 1, previous = -1; i >= 0; previous = i, i = _entries[i].Next)
        {
            ref var entry = ref _entries[i];
            if (entry.Hash == hash && key.SequenceEqual(entry.Key.Span))
            {
                if (previous < 0)
                {
                    bucket = entry.Next + 1;
                }
                else
                {
                    _entries[previous].Next = entry.Next;
                }
                entry = new Entry { Next = _free };
                _free = i;
                Count--;
                return true;
            }
        }
        return false;
    }

    private void Grow()
    {
        var size = _entries.Length * 2;
        Array.Resize(ref _entries, size);
        _buckets = new int[size];
        for (var i = 0; i < _used; i++)
        {
            ref var bucket = ref _buckets[_entries[i].Hash & (size - 1)];
            _entries[i].Next = bucket - 1;
            bucket = i + 1;
        }
    }

    private static int Hash(ReadOnlySpan<byte> key)
    {
        var hash = new HashCode();
        hash.AddBytes(key);
        return hash.ToHashCode();
    }

    private struct Entry
    {
        public ReadOnlyMemory<byte> Key;
        public int Hash;
        public int Next;
        public TValue Value;
    }
}
