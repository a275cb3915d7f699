using System.Diagnostics;

namespace Pytheus.Metrics;

/// <summary>
/// Measures the time from its creation to <see cref="Dispose"/> with a monotonic clock and records it, also when the
/// timed code throws. A struct: <c>using var _ = histogram.Time();</c> allocates nothing.
/// </summary>
public struct TimerScope : IDisposable
{
    private readonly IDurationObserver? _observer;
    private readonly long _started;
    private bool _disposed;

    internal TimerScope(IDurationObserver observer)
    {
        _observer = observer;
        _started = Stopwatch.GetTimestamp();
        _disposed = false;
    }

    /// <summary>Seconds elapsed so far.</summary>
    public readonly double Elapsed => Stopwatch.GetElapsedTime(_started).TotalSeconds;

    /// <summary>Records the elapsed time (once).</summary>
    public void Dispose()
    {
        if (_disposed || _observer is null)
        {
            return;
        }
        _disposed = true;
        _observer.ObserveDuration(Elapsed);
    }
}
