using Pytheus.Metrics;
using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>
/// One stored number on the Redis backend: the hot path only touches this process's pending change, which the flusher
/// moves to Redis. <see cref="Inc"/> is a compare-and-swap on the pending delta's bits (no lock, no allocation);
/// <see cref="Set"/> takes the cell's lock, records the value and restarts the delta, so a Set followed by Incs becomes one
/// absolute write of "value + later delta" (last writer wins across processes).
/// </summary>
internal sealed class RedisCell : IValueStore
{
    private readonly object _gate = new();
    private readonly RedisBackend? _wakeOnChange;
    private long _pendingBits;
    private bool _pendingIsSet;
    private double _pendingSetValue;
    private InFlight _inFlight;
    private double _inFlightValue;
    private double _known;
    private bool _announced;

    public RedisCell(MetricFamily family, int slot, RedisValue field, string labelsText, string[] labelValues, RedisBackend? wakeOnChange)
    {
        Family = family;
        Slot = slot;
        Field = field;
        LabelsText = labelsText;
        LabelValues = labelValues;
        _wakeOnChange = wakeOnChange;
    }

    private enum InFlight : byte
    {
        None,
        Delta,
        Set,
    }

    /// <summary>The family the number belongs to.</summary>
    public MetricFamily Family { get; }

    /// <summary>The number's index in the family's value layout.</summary>
    public int Slot { get; }

    /// <summary>The hash field this number lives in.</summary>
    public RedisValue Field { get; }

    /// <summary>The canonical label text of the series.</summary>
    public string LabelsText { get; }

    /// <summary>The series' label values, aligned with the family's label names.</summary>
    public string[] LabelValues { get; }

    /// <summary>Whether a change is waiting to be flushed or acknowledged (a cheap, racy hint for the self-metrics).</summary>
    public bool HasPendingChange =>
        Volatile.Read(ref _pendingBits) != 0 || Volatile.Read(ref _pendingIsSet) || _inFlight != InFlight.None;

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
        lock (_gate)
        {
            _pendingSetValue = value;
            Volatile.Write(ref _pendingIsSet, true);
            // An Inc racing with this reset is ordered before the Set (and overwritten by it), as it should be.
            Interlocked.Exchange(ref _pendingBits, 0);
        }
        _wakeOnChange?.RequestFlush();
    }

    /// <summary>Redis's value as last seen (at a flush acknowledgement or a scrape) plus this process's unflushed change.</summary>
    public double Get()
    {
        lock (_gate)
        {
            var value = _inFlight switch
            {
                InFlight.Set => _inFlightValue,
                InFlight.Delta => _known + _inFlightValue,
                _ => _known,
            };
            var delta = BitConverter.Int64BitsToDouble(Volatile.Read(ref _pendingBits));
            return _pendingIsSet ? _pendingSetValue + delta : value + delta;
        }
    }

    /// <summary>
    /// Moves the pending change into the in-flight slot for a new batch. Returns false when there is nothing to send.
    /// Only the flusher calls this, and only when no batch of this cell's family is unacknowledged.
    /// </summary>
    public bool TryDrain(out bool isSet, out double value)
    {
        if (Volatile.Read(ref _pendingBits) == 0 && !Volatile.Read(ref _pendingIsSet) && _announced)
        {
            // Idle cells cost no lock; a change racing with this check is simply picked up by the next flush.
            isSet = false;
            value = 0;
            return false;
        }
        lock (_gate)
        {
            var delta = BitConverter.Int64BitsToDouble(Interlocked.Exchange(ref _pendingBits, 0));
            if (_pendingIsSet)
            {
                isSet = true;
                value = _pendingSetValue + delta;
                _pendingIsSet = false;
                _inFlight = InFlight.Set;
            }
            else if (delta != 0 || double.IsNaN(delta) || !_announced)
            {
                isSet = false;
                value = delta;
                _inFlight = InFlight.Delta;
            }
            else
            {
                isSet = false;
                value = 0;
                return false;
            }
            // The first batch of a new series writes it even unchanged, so that every process's scrape lists it.
            _announced = true;
            _inFlightValue = value;
            return true;
        }
    }

    /// <summary>The in-flight change is in Redis; <paramref name="redisValue"/> is the field's value just after it.</summary>
    public void Acknowledge(double redisValue)
    {
        lock (_gate)
        {
            _known = redisValue;
            _inFlight = InFlight.None;
            _inFlightValue = 0;
        }
    }

    /// <summary>The in-flight change was rejected for good (e.g. the key holds a foreign type): forget it.</summary>
    public void Abandon()
    {
        lock (_gate)
        {
            _inFlight = InFlight.None;
            _inFlightValue = 0;
        }
    }

    /// <summary>A scrape read Redis's value; ignored while a change is in flight (its acknowledgement will be newer).</summary>
    public void Observe(double redisValue)
    {
        lock (_gate)
        {
            if (_inFlight == InFlight.None)
            {
                _known = redisValue;
            }
        }
    }
}
