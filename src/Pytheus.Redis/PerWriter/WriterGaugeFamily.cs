using System.Collections.Concurrent;
using Pytheus.Metrics;
using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>
/// This process's values of one per-writer gauge family (every <see cref="GaugeMode"/> but <see cref="GaugeMode.Shared"/>),
/// kept in one Redis hash per writer, <c>&lt;prefix&gt;:{&lt;metric&gt;}:g:&lt;writer&gt;</c>: field <c>&lt;labels&gt;</c>
/// holds the value and <c>t|&lt;labels&gt;</c> the Redis time it was written (for the most-recent modes). The hash tag
/// keeps every writer's hash of a family in the family's cluster slot.
/// </summary>
internal sealed class WriterGaugeFamily
{
    public const string TimePrefix = "t|";

    private readonly ConcurrentDictionary<string, WriterGaugeCell> _cells = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string?> _removals = new();

    public WriterGaugeFamily(MetricDefinition family, string keyPrefix)
    {
        Family = family;
        KeyPrefix = keyPrefix;
    }

    public MetricDefinition Family { get; }

    public string KeyPrefix { get; }

    public string Name => Family.Name;

    /// <summary>The hash holding <paramref name="writer"/>'s values of this family.</summary>
    public RedisKey KeyOf(string writer) => $"{KeyPrefix}:{{{Family.Name}}}:g:{writer}";

    /// <summary>The cell of a series, created once (amortized O(1): no copy of the family's cells).</summary>
    public WriterGaugeCell GetOrAddCell(string[] labelValues, PerWriterGauges? wakeOnChange)
    {
        var text = RedisLabelCodec.Encode(Family.LabelNames, labelValues);
        return _cells.GetOrAdd(text, static (t, state) => new WriterGaugeCell(t, state.labelValues, state.wakeOnChange), (labelValues, wakeOnChange));
    }

    /// <summary>Forgets a series here and queues its removal from every writer's hash.</summary>
    public void Remove(IReadOnlyList<string> labelValues)
    {
        var text = RedisLabelCodec.Encode(Family.LabelNames, labelValues);
        _cells.TryRemove(text, out _);
        _removals.Enqueue(text);
    }

    /// <summary>Forgets every series here and queues the removal of the family from every writer's hash.</summary>
    public void RemoveAll()
    {
        _cells.Clear();
        _removals.Enqueue(null);
    }

    /// <summary>Takes the queued removals: label texts, or null for the whole family.</summary>
    public List<string?> TakeRemovals()
    {
        var taken = new List<string?>();
        while (_removals.TryDequeue(out var removal))
        {
            taken.Add(removal);
        }
        return taken;
    }

    /// <summary>The cells to write: the changed ones, or all of them after Redis may have lost them.</summary>
    public List<(WriterGaugeCell Cell, double Value, long Version)> Changes(bool all)
    {
        var changes = new List<(WriterGaugeCell, double, long)>();
        foreach (var cell in _cells.Values)
        {
            if (all || cell.IsDirty)
            {
                var (value, version) = cell.Read();
                changes.Add((cell, value, version));
            }
        }
        return changes;
    }

    /// <summary>Puts back removals a failed flush took (they are idempotent, so applying one twice is harmless).</summary>
    public void Requeue(List<string?> removals)
    {
        foreach (var removal in removals)
        {
            _removals.Enqueue(removal);
        }
    }

    public int PendingCells() => _cells.Values.Count(c => c.IsDirty);
}
