using Pytheus.Registry;

namespace Pytheus.Exposition;

/// <summary>
/// One collection at a time, shared: a request arriving while a collection is running waits for that one instead of
/// starting another, so a burst of scrapes costs the backend one read (one Redis round trip) and one rendering per
/// variant (<see cref="CollectedScrape"/>), not one per request. A request arriving after it completed starts a fresh
/// one: answers are never older than the running collection.
/// </summary>
internal sealed class SharedScrape
{
    private readonly Func<CollectorRegistry> _registry;
    private readonly CancellationToken _stopping;
    private readonly object _gate = new();
    private Task<CollectedScrape>? _running;
    private long _collections;

    public SharedScrape(Func<CollectorRegistry> registry, CancellationToken stopping)
    {
        _registry = registry;
        _stopping = stopping;
    }

    /// <summary>How many collections were started.</summary>
    public long Collections => Interlocked.Read(ref _collections);

    public Task<CollectedScrape> CollectAsync()
    {
        lock (_gate)
        {
            if (_running is { IsCompleted: false } running)
            {
                return running;
            }
            Interlocked.Increment(ref _collections);
                // Off the caller's thread: custom collectors run synchronously and must not hold the requests queued behind
            // the lock. Local series are read while the bodies are rendered (no copy per series), remote ones now, once;
            // no single client's cancellation stops a collection others wait for.
            var registry = _registry();
            return _running = Task.Run(
                async () => new CollectedScrape(await RegistryCollector.CollectAsync(registry, liveLocal: true, _stopping).ConfigureAwait(false)),
                _stopping);
        }
    }
}
