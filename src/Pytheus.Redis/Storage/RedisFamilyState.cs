using System.Runtime.InteropServices;
using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>
/// What this process holds for one metric family as defined one way (one Redis hash): its cells, one per hash field,
/// and the batch protocol's state for the hash — sequence, the batch waiting for an acknowledgement, the incarnation
/// (epoch) of the hash last seen. Cells are appended to an array that doubles when full (amortized O(1) per new
/// series) and read without a lock by the flusher; only the flusher removes cells (released and idle ones).
/// </summary>
internal sealed class RedisFamilyState
{
    private readonly object _gate = new();
    private readonly Dictionary<string, RedisCell> _byField = new(StringComparer.Ordinal);
    private RedisCell[] _cells = new RedisCell[4];
    private int _count;
    private int _released;
    private RedisFamilyReader[] _readers = [];
    private List<string> _removals = [];
    private int _generation;
    private readonly SortedDictionary<long, List<RedisCell>> _sketchWindows = [];

    public RedisFamilyState(string name, RedisDefinition definition, RedisKey dataKey, RedisKey definitionsKey)
    {
        Name = name;
        Definition = definition;
        DataKey = dataKey;
        DefinitionsKey = definitionsKey;
    }

    public string Name { get; }

    public RedisDefinition Definition { get; }

    public RedisKey DataKey { get; }

    public RedisKey DefinitionsKey { get; }

    // The protocol state below is only touched under the backend's flush gate.

    /// <summary>Sequence number of the last batch built.</summary>
    public long LastSequence { get; set; }

    /// <summary>The batch sent but not acknowledged; resent as is until Redis confirms or rejects it.</summary>
    public RedisBatch? Unacknowledged { get; set; }

    /// <summary>The epoch of the hash this process's confirmed changes live in; null before the first or after a loss.</summary>
    public string? KnownEpoch { get; set; }

    /// <summary>
    /// The last sequence number Redis confirmed in <see cref="KnownEpoch"/>. Finding this writer's sequence field below it
    /// means Redis went back in time (restarted from an older snapshot) and lost changes it had confirmed.
    /// </summary>
    public long ConfirmedSequence { get; set; }

    /// <summary>The epoch Redis lost, which the next whole re-send replaces (deleting the hash if it came back stale).</summary>
    public string? LostEpoch { get; set; }

    /// <summary>Redis lost the hash (or it was never confirmed): the next batch carries every cell's whole contribution.</summary>
    public bool NeedsWholeResend { get; set; }

    /// <summary>
    /// The cells the next batches of this family will carry, one array per batch, when its changes were too many for
    /// one batch (see <c>RedisBatchProtocol.ChunkFields</c>); null or empty otherwise. A series' cells are always in one
    /// array, so a batch never carries half of a series.
    /// </summary>
    public Queue<RedisCell[]>? PlannedChunks { get; set; }

    /// <summary>Whether <see cref="PlannedChunks"/> carry whole contributions (a whole re-send split into batches).</summary>
    public bool PlannedWhole { get; set; }

    /// <summary>Whether a conflicting definition of the same name was already logged and counted.</summary>
    public bool ConflictReported { get; set; }

    /// <summary>When an idle check last refreshed the hash's TTL (TimeProvider timestamp).</summary>
    public long LastTtlRefresh { get; set; }

    /// <summary>The readers of the family objects bound to this hash (told when a cell is freed).</summary>
    public RedisFamilyReader[] Readers => Volatile.Read(ref _readers);

    public void AddReader(RedisFamilyReader reader)
    {
        lock (_gate)
        {
            Volatile.Write(ref _readers, [.. _readers, reader]);
        }
    }

    /// <summary>Changes each time cells are freed (and the others move): readers then link the cells again.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>Returns the cell of <paramref name="field"/>, creating it once; either way one more view holds it.</summary>
    public RedisCell Hold(string field, string labelsText, int slot, RedisFlushLoop? wake)
    {
        lock (_gate)
        {
            ref var cell = ref CollectionsMarshal.GetValueRefOrAddDefault(_byField, field, out var exists);
            if (!exists)
            {
                cell = new RedisCell(field, labelsText, slot, wake);
                if (_count == _cells.Length)
                {
                    var grown = new RedisCell[_cells.Length * 2];
                    Array.Copy(_cells, grown, _count);
                    Volatile.Write(ref _cells, grown);
                }
                _cells[_count] = cell;
                Volatile.Write(ref _count, _count + 1);
            }
            cell!.Holders++;
            return cell;
        }
    }

    /// <summary>
    /// Returns the cell of one sketch count (see <see cref="Hold"/>). The first cell of a newer window retires the
    /// windows that no longer count (<paramref name="ageBuckets"/> or more behind it): their cells are detached and their
    /// fields deleted with the next batch, for every process — they are expired for all, since windows are absolute.
    /// </summary>
    public RedisCell HoldSketch(string field, string labelsText, long window, int ageBuckets, RedisFlushLoop? wake)
    {
        lock (_gate)
        {
            var known = _byField.ContainsKey(field);
            var cell = Hold(field, labelsText, SketchSlot, wake);
            if (known)
            {
                return cell;
            }
            if (!_sketchWindows.TryGetValue(window, out var cells))
            {
                _sketchWindows[window] = cells = [];
                while (_sketchWindows.Count > 0 && _sketchWindows.First() is var (oldest, expired) && oldest <= window - ageBuckets)
                {
                    _sketchWindows.Remove(oldest);
                    foreach (var old in expired)
                    {
                        RemoveField(old.Field);
                    }
                }
            }
            cells.Add(cell);
            return cell;
        }
    }

    /// <summary>The slot of sketch cells, which are outside the family's value layout (native histogram buckets use -1).</summary>
    public const int SketchSlot = -2;

    /// <summary>
    /// Removes a series' sketch for every process: its local cells are detached and every process's sketch fields of
    /// the series are deleted with the next batch (<see cref="RedisKeySchema.SketchRemovalMarker"/>).
    /// </summary>
    public void RemoveSketch(string labelsText)
    {
        lock (_gate)
        {
            foreach (var cells in _sketchWindows.Values)
            {
                foreach (var cell in cells.Where(c => c.LabelsText == labelsText))
                {
                    if (_byField.Remove(cell.Field, out var held) && ReferenceEquals(held, cell))
                    {
                        Detach(cell);
                    }
                }
                cells.RemoveAll(c => c.LabelsText == labelsText);
            }
            _removals.Add(RedisKeySchema.SketchRemovalMarker + labelsText);
        }
    }

    /// <summary>This process no longer holds a series' sketch cells (see <see cref="Release"/>).</summary>
    public void ReleaseSketch(string labelsText)
    {
        lock (_gate)
        {
            foreach (var cells in _sketchWindows.Values)
            {
                foreach (var cell in cells.Where(c => c.LabelsText == labelsText))
                {
                    Release(cell.Field);
                }
                cells.RemoveAll(c => c.LabelsText == labelsText);
            }
        }
    }

    /// <summary>Detaches the cell of <paramref name="field"/> (if this process has one) and queues the field's deletion. Caller holds the lock.</summary>
    private bool RemoveField(string field)
    {
        var had = _byField.Remove(field, out var cell);
        if (had)
        {
            Detach(cell!);
        }
        _removals.Add(field);
        return had;
    }

    /// <summary>One view less holds the cell of <paramref name="field"/>; unheld cells are freed by <see cref="FreeReleased"/>.</summary>
    public RedisCell? Release(string field)
    {
        lock (_gate)
        {
            if (!_byField.TryGetValue(field, out var cell) || cell.Holders == 0)
            {
                return null;
            }
            if (--cell.Holders == 0)
            {
                _released++;
            }
            return cell;
        }
    }

    /// <summary>
    /// One view less holds each native bucket cell of the series <paramref name="labelsText"/> (a histogram series
    /// holds each of its buckets once).
    /// </summary>
    public void ReleaseNativeBuckets(string labelsText)
    {
        lock (_gate)
        {
            foreach (var cell in _byField.Values)
            {
                if (cell.Slot < 0 && cell.Holders > 0 && cell.LabelsText == labelsText && --cell.Holders == 0)
                {
                    _released++;
                }
            }
        }
    }

    /// <summary>
    /// Removes series for every process: their cells are detached at once (new views get new cells, starting from
    /// zero) and the fields' deletion goes with the next batch, before the changes made after it.
    /// </summary>
    public void Remove(IEnumerable<string> fields)
    {
        lock (_gate)
        {
            foreach (var field in fields)
            {
                if (!RemoveField(field) && field.StartsWith(RedisKeySchema.NativeBucketsRemovalPrefix, StringComparison.Ordinal))
                {
                    DetachNativeBuckets(field[RedisKeySchema.NativeBucketsRemovalPrefix.Length..]);
                }
            }
        }
    }

    /// <summary>Removes every series of the hash for every process (see <see cref="Remove"/>).</summary>
    public void RemoveAll()
    {
        lock (_gate)
        {
            foreach (var cell in _byField.Values)
            {
                Detach(cell);
            }
            _byField.Clear();
            _sketchWindows.Clear();
            _removals.Add(RemoveAllMarker);
        }
    }

    /// <summary>The removals to send with the next batch (fields, or <see cref="RemoveAllMarker"/>). Flusher only.</summary>
    public List<string> TakeRemovals()
    {
        lock (_gate)
        {
            if (_removals.Count == 0)
            {
                return _removals;
            }
            var taken = _removals;
            _removals = [];
            return taken;
        }
    }

    private void DetachNativeBuckets(string labelsText)
    {
        var detached = _byField.Values.Where(c => c.Slot < 0 && c.LabelsText == labelsText).ToList();
        foreach (var cell in detached)
        {
            _byField.Remove(cell.Field);
            Detach(cell);
        }
    }

    /// <summary>Stands for "every number field of the hash" in a batch's removals.</summary>
    public const string RemoveAllMarker = "*";

    private void Detach(RedisCell cell)
    {
        cell.MarkRemoved();
        if (cell.Holders > 0)
        {
            cell.Holders = 0;
            _released++;
        }
    }

    /// <summary>The cells, without a lock: every index below the count read first is filled in the array read after.</summary>
    public ReadOnlySpan<RedisCell> Cells
    {
        get
        {
            var count = Volatile.Read(ref _count);
            return Volatile.Read(ref _cells).AsSpan(0, count);
        }
    }

    /// <summary>
    /// Drops the cells no view holds any more once they have nothing left to send. Called by the flusher only (under the
    /// flush gate), after draining. Returns the freed cells.
    /// </summary>
    public List<RedisCell>? FreeReleased()
    {
        if (Volatile.Read(ref _released) == 0)
        {
            return null;
        }
        lock (_gate)
        {
            List<RedisCell>? freed = null;
            var kept = new RedisCell[_cells.Length];
            var count = 0;
            _released = 0;
            for (var i = 0; i < _count; i++)
            {
                var cell = _cells[i];
                if (cell.Holders == 0 && !cell.HasPendingChange)
                {
                    _byField.Remove(cell.Field);
                    (freed ??= []).Add(cell);
                    continue;
                }
                if (cell.Holders == 0)
                {
                    _released++;
                }
                kept[count++] = cell;
            }
            // The count shrinks before the array is replaced, so a reader (count first, then array) never reads past
            // what either array holds; a new array leaves readers of the old one a consistent view.
            Volatile.Write(ref _count, count);
            Volatile.Write(ref _cells, kept);
            if (freed is not null)
            {
                Interlocked.Increment(ref _generation);
            }
            return freed;
        }
    }
}
