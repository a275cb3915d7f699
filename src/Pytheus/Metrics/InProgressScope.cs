namespace Pytheus.Metrics;

/// <summary>
/// Increments a gauge when created and decrements it on <see cref="Dispose"/>, also when the tracked code throws.
/// A struct: <c>using var _ = gauge.TrackInProgress();</c> allocates nothing.
/// </summary>
public struct InProgressScope : IDisposable
{
    private readonly Gauge? _gauge;
    private bool _disposed;

    internal InProgressScope(Gauge gauge)
    {
        _gauge = gauge;
        _disposed = false;
        gauge.Inc();
    }

    /// <summary>Decrements the gauge (once).</summary>
    public void Dispose()
    {
        if (_disposed || _gauge is null)
        {
            return;
        }
        _disposed = true;
        _gauge.Dec();
    }
}
