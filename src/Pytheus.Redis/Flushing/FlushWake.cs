namespace Pytheus.Backends.Redis;

/// <summary>
/// Wakes a flush loop as soon as something changes (flushes "as soon as possible"): allocation-free on the hot path,
/// and at most one wake-up outstanding, so changes made while a flush runs are coalesced into the next one.
/// </summary>
internal sealed class FlushWake
{
    private readonly SemaphoreSlim _signal = new(0, 1);
    private int _requested;

    /// <summary>Wakes the loop unless a wake-up is already pending.</summary>
    public void Request()
    {
        if (Volatile.Read(ref _requested) == 0 && Interlocked.Exchange(ref _requested, 1) == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (Exception e) when (e is SemaphoreFullException or ObjectDisposedException)
            {
                // Already awake, or shut down: nothing to do.
            }
        }
    }

    /// <summary>Waits for a wake-up or <paramref name="timeout"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _signal.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _requested, 0);
    }
}
