namespace Pytheus.Backends.Redis;

/// <summary>
/// This process's own value of one series of a per-writer gauge. The value lives here (so <see cref="Get"/> is this
/// writer's value, exact and without Redis) and the flusher writes it to Redis as an absolute number, so a resend is
/// always harmless. <see cref="Inc"/> is a compare-and-swap on the value's bits and a counter bump: no lock, no
/// allocation.
/// </summary>
internal sealed class WriterGaugeCell : IValueStore
{
    private long _bits;
    private long _version;
    private long _sentVersion = -1;
    private readonly PerWriterGauges? _wakeOnChange;

    public WriterGaugeCell(string labelsText, string[] labelValues, PerWriterGauges? wakeOnChange)
    {
        LabelsText = labelsText;
        LabelValues = labelValues;
        _wakeOnChange = wakeOnChange;
    }

    /// <summary>The canonical label text: the hash field this value lives in.</summary>
    public string LabelsText { get; }

    public string[] LabelValues { get; }

    /// <summary>Whether the value changed since it was last confirmed in Redis (a new cell counts as changed, so that its series exists everywhere).</summary>
    public bool IsDirty => Volatile.Read(ref _version) != Volatile.Read(ref _sentVersion);

    /// <inheritdoc />
    public void Inc(double amount)
    {
        DoubleBits.Add(ref _bits, amount);
        Interlocked.Increment(ref _version);
        _wakeOnChange?.RequestFlush();
    }

    /// <inheritdoc />
    public void Set(double value)
    {
        Volatile.Write(ref _bits, BitConverter.DoubleToInt64Bits(value));
        Interlocked.Increment(ref _version);
        _wakeOnChange?.RequestFlush();
    }

    /// <inheritdoc />
    public double Get() => BitConverter.Int64BitsToDouble(Volatile.Read(ref _bits));

    /// <summary>Reads the value to send and the version it belongs to (the version first: a racing change leaves the cell dirty).</summary>
    public (double Value, long Version) Read()
    {
        var version = Volatile.Read(ref _version);
        return (Get(), version);
    }

    /// <summary>Redis holds the value of <paramref name="version"/>.</summary>
    public void Confirm(long version) => Volatile.Write(ref _sentVersion, version);

    /// <summary>Redis may have lost the value (the writer was taken for dead and cleaned up, or data was lost): send it again.</summary>
    public void MarkUnsent() => Volatile.Write(ref _sentVersion, -1);
}
