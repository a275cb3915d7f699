namespace Pytheus.Backends;

/// <summary>
/// One stored number: a counter's or gauge's value, a histogram bucket, a sum or a count.
/// Implementations are called on the application's hot path: they must be thread-safe, must not block
/// on I/O and should not allocate.
/// </summary>
public interface IValueStore
{
    /// <summary>Adds <paramref name="amount"/> (which may be negative for gauges).</summary>
    void Inc(double amount);

    /// <summary>Subtracts <paramref name="amount"/>.</summary>
    void Dec(double amount) => Inc(-amount);

    /// <summary>Replaces the value (last writer wins).</summary>
    void Set(double value);

    /// <summary>Returns the current value as this process sees it.</summary>
    double Get();
}
