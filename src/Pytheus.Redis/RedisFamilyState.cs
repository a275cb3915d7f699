using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>
/// What this process holds for one metric name: its cells, its batch sequence and the batch waiting for an
/// acknowledgement. At most one batch per family is outstanding; changes made meanwhile wait in the cells for the next
/// sequence number, so a retried batch is always resent unchanged.
/// </summary>
internal sealed class RedisFamilyState
{
    private readonly object _gate = new();
    private RedisCell[] _cells = [];
    private long _lastSequence;

    public RedisFamilyState(string name, RedisKey dataKey, RedisKey sequenceKey)
    {
        Name = name;
        DataKey = dataKey;
        SequenceKey = sequenceKey;
    }

    public string Name { get; }

    public RedisKey DataKey { get; }

    public RedisKey SequenceKey { get; }

    /// <summary>The batch sent but not acknowledged; resent as is until Redis confirms it.</summary>
    public RedisBatch? Unacknowledged { get; set; }

    public RedisCell[] Cells => Volatile.Read(ref _cells);

    public RedisCell AddCell(RedisCell cell)
    {
        lock (_gate)
        {
            _cells = [.. _cells, cell];
        }
        return cell;
    }

    /// <summary>Returns the batch to send for this family: the unacknowledged one, else the pending changes, else null.</summary>
    public RedisBatch? NextBatch(int ttlSeconds)
    {
        if (Unacknowledged is { } retry)
        {
            return retry;
        }
        var increments = new List<(RedisCell Cell, double Value)>();
        var sets = new List<(RedisCell Cell, double Value)>();
        foreach (var cell in Cells)
        {
            if (cell.TryDrain(out var isSet, out var value))
            {
                (isSet ? sets : increments).Add((cell, value));
            }
        }
        if (increments.Count == 0 && sets.Count == 0)
        {
            return null;
        }
        var cells = new RedisCell[increments.Count + sets.Count];
        var args = new RedisValue[3 + 2 * cells.Length];
        args[0] = ++_lastSequence;
        args[1] = ttlSeconds;
        args[2] = increments.Count;
        var i = 0;
        foreach (var (cell, value) in increments.Concat(sets))
        {
            cells[i] = cell;
            args[3 + 2 * i] = cell.Field;
            args[4 + 2 * i] = RedisKeySchema.FormatNumber(value);
            i++;
        }
        Unacknowledged = new RedisBatch(this, _lastSequence, cells, args);
        return Unacknowledged;
    }

    public int PendingCells() => Cells.Count(c => c.HasPendingChange);
}
