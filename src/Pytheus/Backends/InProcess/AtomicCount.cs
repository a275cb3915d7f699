namespace Pytheus.Backends.InProcess;

/// <summary>
/// A whole count (a histogram bucket, a summary's count) kept as a 64-bit integer: one atomic add instead of a
/// compare-and-swap loop on a double. The core only ever adds whole numbers to these slots.
/// </summary>
public sealed class AtomicCount : IValueStore, IExemplarStore
{
    private long _count;

    /// <inheritdoc />
    public void Inc(double amount) => Interlocked.Add(ref _count, (long)amount);

    /// <inheritdoc />
    public void Dec(double amount) => Interlocked.Add(ref _count, -(long)amount);

    /// <inheritdoc />
    public void Set(double value) => Volatile.Write(ref _count, (long)value);

    /// <inheritdoc />
    public double Get() => Volatile.Read(ref _count);

    private ExemplarSample? _exemplar;

    /// <inheritdoc />
    public void RecordExemplar(ExemplarSample sample) => Volatile.Write(ref _exemplar, sample);

    /// <inheritdoc />
    public ExemplarSample? Exemplar => Volatile.Read(ref _exemplar);
}
