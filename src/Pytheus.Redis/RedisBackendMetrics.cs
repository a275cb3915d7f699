using Pytheus.Backends.InProcess;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Backends.Redis;

/// <summary>
/// A <see cref="RedisBackend"/>'s own health, kept in this process's memory (never in Redis) and exposed per process:
/// register it with <c>registry.Register(backend.Metrics)</c>.
/// <list type="bullet">
/// <item><c>pytheus_redis_flushes_total</c> — flushes that Redis confirmed completely.</item>
/// <item><c>pytheus_redis_flush_failures_total</c> — flush attempts that left changes unconfirmed (they are retried).</item>
/// <item><c>pytheus_redis_dropped_changes_total</c> — changes Redis rejected for good (e.g. a key of the wrong type).</item>
/// <item><c>pytheus_redis_pending_series</c> — series with changes not yet confirmed by Redis.</item>
/// <item><c>pytheus_redis_seconds_since_last_flush</c> — time since everything pending was last confirmed.</item>
/// </list>
/// </summary>
public sealed class RedisBackendMetrics : CustomCollector
{
    private readonly RedisBackend _backend;
    private readonly Gauge _pendingSeries;
    private readonly Gauge _secondsSinceLastFlush;

    internal RedisBackendMetrics(RedisBackend backend)
    {
        _backend = backend;
        using (Backend.BeginScope(new InProcessBackend()))
        {
            Flushes = new Counter("pytheus_redis_flushes_total", "Flushes of pending changes that Redis confirmed completely.", registry: CollectorRegistry.None);
            FlushFailures = new Counter("pytheus_redis_flush_failures_total", "Flush attempts that left changes unconfirmed; they are kept and retried.", registry: CollectorRegistry.None);
            DroppedChanges = new Counter("pytheus_redis_dropped_changes_total", "Changes Redis rejected for good (for example a key holding another type).", registry: CollectorRegistry.None);
            _pendingSeries = new Gauge("pytheus_redis_pending_series", "Series with changes not yet confirmed by Redis.", registry: CollectorRegistry.None);
            _secondsSinceLastFlush = new Gauge("pytheus_redis_seconds_since_last_flush", "Seconds since every pending change was last confirmed by Redis.", registry: CollectorRegistry.None);
        }
    }

    /// <inheritdoc />
    public override string Name => "pytheus_redis_backend";

    internal Counter Flushes { get; }

    internal Counter FlushFailures { get; }

    internal Counter DroppedChanges { get; }

    /// <inheritdoc />
    public override IEnumerable<Metric> CollectMetrics()
    {
        _pendingSeries.Set(_backend.PendingSeries());
        _secondsSinceLastFlush.Set(_backend.SecondsSinceLastSuccessfulFlush());
        return [Flushes, FlushFailures, DroppedChanges, _pendingSeries, _secondsSinceLastFlush];
    }
}
