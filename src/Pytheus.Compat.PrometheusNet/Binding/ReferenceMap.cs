using System.Numerics;
using System.Runtime.CompilerServices;

namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>
/// Maps objects by identity with a lock-free read: the hot path looks up the Pytheus series bound to a prometheus-net
/// child on every <c>Inc</c>, so a read must cost a hash and a probe, not a lock or an allocation. Writes (binding a
/// new child, forgetting a removed one) take a lock and are rare.
/// </summary>
internal sealed class ReferenceMap<TKey, TValue> where TKey : class where TValue : class
{
    private static readonly object Tombstone = new();

    private readonly object _gate = new();
    private Entry[] _entries = new Entry[64];
    private int _used;

    private struct Entry
    {
        public object? Key;
        public TValue? Value;
    }

    public TValue? Get(TKey key)
    {
        var entries = Volatile.Read(ref _entries);
        var mask = entries.Length - 1;
        var i = RuntimeHelpers.GetHashCode(key) & mask;
        while (true)
        {
            var k = Volatile.Read(ref entries[i].Key);
            if (ReferenceEquals(k, key))
            {
                return entries[i].Value;
            }
            if (k is null)
            {
                return null;
            }
            i = (i + 1) & mask;
        }
    }

    public TValue GetOrAdd(TKey key, Func<TKey, TValue> create)
    {
        if (Get(key) is { } found)
        {
            return found;
        }
        lock (_gate)
        {
            if (Get(key) is { } raced)
            {
                return raced;
            }
            var value = create(key);
            if ((_used + 1) * 2 > _entries.Length)
            {
                Resize();
            }
            Insert(_entries, key, value);
            _used++;
            return value;
        }
    }

    public bool Remove(TKey key)
    {
        lock (_gate)
        {
            var entries = _entries;
            var mask = entries.Length - 1;
            var i = RuntimeHelpers.GetHashCode(key) & mask;
            while (entries[i].Key is { } k)
            {
                if (ReferenceEquals(k, key))
                {
                    // A tombstone keeps later entries of the probe chain reachable for concurrent readers.
                    Volatile.Write(ref entries[i].Key, Tombstone);
                    entries[i].Value = null;
                    return true;
                }
                i = (i + 1) & mask;
            }
            return false;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            Volatile.Write(ref _entries, new Entry[64]);
            _used = 0;
        }
    }

    public List<(TKey Key, TValue Value)> Snapshot()
    {
        var entries = Volatile.Read(ref _entries);
        var result = new List<(TKey, TValue)>();
        foreach (var entry in entries)
        {
            if (entry.Key is TKey key && entry.Value is { } value)
            {
                result.Add((key, value));
            }
        }
        return result;
    }

    private void Resize()
    {
        var old = _entries;
        var live = old.Count(e => e.Key is TKey);
        var bigger = new Entry[Math.Max(64, (int)BitOperations.RoundUpToPowerOf2((uint)(live + 1) * 4))];
        foreach (var entry in old)
        {
            if (entry.Key is TKey key)
            {
                Insert(bigger, key, entry.Value!);
            }
        }
        _used = live;
        Volatile.Write(ref _entries, bigger);
    }

    private static void Insert(Entry[] entries, TKey key, TValue value)
    {
        var mask = entries.Length - 1;
        var i = RuntimeHelpers.GetHashCode(key) & mask;
        while (entries[i].Key is not null)
        {
            i = (i + 1) & mask;
        }
        // Value first: a reader that sees the key must see its value.
        entries[i].Value = value;
        Volatile.Write(ref entries[i].Key, key);
    }
}
