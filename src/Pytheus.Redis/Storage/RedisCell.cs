namespace Pytheus.Backends.Redis;

/// <summary>
/// One stored number on the Redis backend (one hash field), shared by every series view of this process that maps to
/// that field — the same metric in two registries, or a series removed and created again — so a batch never carries a
/// field twice. The hot path only touches this process's pending change: <see cref="Inc"/> is a compare-and-swap on
/// the pending delta's bits (no lock, no allocation); <see cref="Set"/> takes the cell's lock, records the value and
/// restarts the delta, so a Set followed by Incs becomes one absolute write of "value + later delta".
/// </summary>
/// <remarks>
/// The cell also keeps this process's own contribution as Redis confirmed it (the sum of its confirmed deltas, or its
/// last confirmed Set plus the deltas since). When Redis loses the data, that contribution is re-sent whole: a counter
/// comes back as the sum of what the living processes added — a reset in Prometheus terms, never a double count.
/// </remarks>
internal sealed partial class RedisCell : IValueStore
{
    private readonly RedisFlushLoop? _wakeOnChange;
    private long _pendingBits;
    private bool _pendingIsSet;
    private double _pendingSetValue;
    private Change _inFlight;
    private double _inFlightValue;
    private bool _inFlightIsWhole;
    private double _known;
    private bool _announced;
    private bool _ownIsSet;
    private bool _removed;
    private double _ownSetValue;
    private double _ownDelta;

    public RedisCell(string field, string labelsText, int slot, RedisFlushLoop? wakeOnChange)
    {
        Field = field;
        LabelsText = labelsText;
        Slot = slot;
        _wakeOnChange = wakeOnChange;
    }

    private enum Change : byte
    {
        None,
        Delta,
        Set,
    }

    /// <summary>The hash field this number lives in.</summary>
    public string Field { get; }

    /// <summary>The canonical label text of the series.</summary>
    public string LabelsText { get; }

    /// <summary>The number's index in the family's value layout.</summary>
    public int Slot { get; }

    /// <summary>Series views holding this cell; guarded by the family's lock. At zero the flusher frees the cell once idle.</summary>
    public int Holders { get; set; }

    /// <summary>Whether a change is waiting to be flushed or confirmed (a cheap, racy hint for the status).</summary>
    /// <summary>Whether the next (non-whole) drain would send something: a change, a Set, or the series' first announcement.</summary>
    public bool HasChangeToSend => !IsRemoved && (Volatile.Read(ref _pendingBits) != 0 || Volatile.Read(ref _pendingIsSet) || !_announced);

    public bool HasPendingChange =>
        !IsRemoved && (Volatile.Read(ref _pendingBits) != 0 || Volatile.Read(ref _pendingIsSet) || _inFlight != Change.None);

    /// <summary>
    /// Whether the series was removed (for every process): the cell never sends again, whatever views still holding it
    /// write, and a new view of the same labels gets a new cell.
    /// </summary>
    public bool IsRemoved => Volatile.Read(ref _removed);

    /// <summary>Marks the series removed and drops the change not yet sent: it belonged to the removed series.</summary>
    public void MarkRemoved()
    {
        lock (this)
        {
            Volatile.Write(ref _removed, true);
            Interlocked.Exchange(ref _pendingBits, 0);
            _pendingIsSet = false;
        }
    }

    /// <inheritdoc />
    public void Inc(double amount)
    {
        DoubleBits.Add(ref _pendingBits, amount);
        _wakeOnChange?.RequestFlush();
    }

    /// <inheritdoc />
    public void Dec(double amount) => Inc(-amount);

    /// <inheritdoc />
    public void Set(double value)
    {
        lock (this)
        {
            _pendingSetValue = value;
            Volatile.Write(ref _pendingIsSet, true);
            // An Inc racing with this reset is ordered before the Set (and overwritten by it), as it should be.
            Interlocked.Exchange(ref _pendingBits, 0);
        }
        _wakeOnChange?.RequestFlush();
    }

    /// <summary>Redis's value as last seen (at a flush acknowledgement or a scrape) plus this process's unconfirmed change.</summary>
    public double Get()
    {
        lock (this)
        {
            var value = _inFlight switch
            {
                Change.Set => _inFlightValue,
                Change.Delta when !_inFlightIsWhole => _known + _inFlightValue,
                _ => _known,
            };
            var delta = BitConverter.Int64BitsToDouble(Volatile.Read(ref _pendingBits));
            return _pendingIsSet ? _pendingSetValue + delta : value + delta;
        }
    }

    /// <summary>
    /// Moves the pending change into the in-flight slot for a new batch; returns false when there is nothing to send.
    /// With <paramref name="whole"/> (Redis lost the data) the change is this process's entire contribution — confirmed,
    /// unconfirmed and pending — and is always sent, so that the series exists again. Only the flusher calls this, and
    /// only when no batch of the cell's family is unacknowledged.
    /// </summary>
    public bool TryDrain(bool whole, out bool isSet, out double value)
    {
        if (IsRemoved)
        {
            isSet = false;
            value = 0;
            return false;
        }
        if (!whole && Volatile.Read(ref _pendingBits) == 0 && !Volatile.Read(ref _pendingIsSet) && _announced)
        {
            // Idle cells cost no lock; a change racing with this check is simply picked up by the next flush.
            isSet = false;
            value = 0;
            return false;
        }
        lock (this)
        {
            var delta = BitConverter.Int64BitsToDouble(Interlocked.Exchange(ref _pendingBits, 0));
            if (_pendingIsSet)
            {
                // A Set replaces everything before it, whole re-send or not.
                (isSet, value) = (true, _pendingSetValue + delta);
                _pendingIsSet = false;
            }
            else if (whole)
            {
                (isSet, value) = WholeContribution();
                value += delta;
            }
            else if (delta != 0 || double.IsNaN(delta) || !_announced)
            {
                // The first batch of a new series writes it even unchanged, so that every process's scrape lists it.
                (isSet, value) = (false, delta);
            }
            else
            {
                isSet = false;
                value = 0;
                return false;
            }
            _announced = true;
            _inFlight = isSet ? Change.Set : Change.Delta;
            _inFlightValue = value;
            _inFlightIsWhole = whole;
            return true;
        }
    }

    /// <summary>What this process has put into the number so far, pending changes excluded. Caller holds the lock.</summary>
    private (bool IsSet, double Value) WholeContribution()
    {
        if (_inFlight != Change.None && (_inFlightIsWhole || _inFlight == Change.Set))
        {
            // An unconfirmed whole re-send, or a Set, replaces everything before it.
            return (_inFlight == Change.Set, _inFlightValue);
        }
        var unconfirmed = _inFlight == Change.Delta ? _inFlightValue : 0;
        return _ownIsSet ? (true, _ownSetValue + _ownDelta + unconfirmed) : (false, _ownDelta + unconfirmed);
    }

    /// <summary>The in-flight change is in Redis; <paramref name="redisValue"/> is the field's value just after it.</summary>
    /// <remarks>Also when the script answers "already applied": the batch's first attempt was applied.</remarks>
    public void Acknowledge(double redisValue)
    {
        lock (this)
        {
            _known = redisValue;
            RecordOwn();
            _inFlight = Change.None;
            _inFlightValue = 0;
            _inFlightIsWhole = false;
        }
    }

    private void RecordOwn()
    {
        if (_inFlight == Change.Set)
        {
            _ownIsSet = true;
            _ownSetValue = _inFlightValue;
            _ownDelta = 0;
        }
        else if (_inFlightIsWhole)
        {
            _ownIsSet = false;
            _ownDelta = _inFlightValue;
        }
        else
        {
            _ownDelta += _inFlightValue;
        }
    }

    /// <summary>The in-flight change was rejected for good (e.g. the key holds a foreign type): forget it.</summary>
    public void Abandon()
    {
        lock (this)
        {
            _inFlight = Change.None;
            _inFlightValue = 0;
            _inFlightIsWhole = false;
        }
    }

    /// <summary>A scrape read Redis's value; ignored while a change is in flight (its acknowledgement will be newer).</summary>
    public void Observe(double redisValue)
    {
        lock (this)
        {
            if (_inFlight == Change.None)
            {
                _known = redisValue;
            }
        }
    }
}
