namespace Pytheus.Backends.InProcess;

/// <summary>A double updated with compare-and-swap on its bits: exact under contention, no lock, no allocation.</summary>
public sealed class AtomicDouble : IValueStore, IExemplarStore
{
    private long _bits;

    /// <inheritdoc />
    public void Inc(double amount) => DoubleBits.Add(ref _bits, amount);

    /// <inheritdoc />
    public void Dec(double amount) => Inc(-amount);

    /// <inheritdoc />
    public void Set(double value) => Volatile.Write(ref _bits, BitConverter.DoubleToInt64Bits(value));

    /// <inheritdoc />
    public double Get() => BitConverter.Int64BitsToDouble(Volatile.Read(ref _bits));

    private ExemplarSample? _exemplar;

    /// <inheritdoc />
    public void RecordExemplar(ExemplarSample sample) => Volatile.Write(ref _exemplar, sample);

    /// <inheritdoc />
    public ExemplarSample? Exemplar => Volatile.Read(ref _exemplar);
}
