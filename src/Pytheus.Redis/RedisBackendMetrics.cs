using Pytheus.Backends.InProcess;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Backends.Redis;

/// <summary>
/// A <see cref="RedisBackend"/>'s own health as metrics, kept in this process's memory (never in Redis) and exposed per
/// process: register it with <c>registry.Register(backend.Metrics)</c>. The same figures, as one object:
/// <see cref="RedisBackend.Status"/>.
/// <list type="bullet">
/// <item><c>pytheus_redis_flushes_total</c> — flushes that Redis confirmed completely.</item>
/// <item><c>pytheus_redis_flush_failures_total</c> — flush attempts that left changes unconfirmed (they are retried).</item>
/// <item><c>pytheus_redis_dropped_changes_total</c> — changes Redis refused for good (e.g. a key of the wrong type).</item>
/// <item><c>pytheus_redis_data_loss_resends_total</c> — times Redis had lost a family's data and this process re-sent it.</item>
/// <item><c>pytheus_redis_definition_conflicts_total</c> — metric names another process defines differently.</item>
/// <item><c>pytheus_redis_pending_series</c> — series with changes not yet confirmed by Redis.</item>
/// <item><c>pytheus_redis_seconds_since_last_flush</c> — time since everything pending was last confirmed.</item>
/// </list>
/// </summary>
public sealed class RedisBackendMetrics : CustomCollector
{
    private readonly RedisBackend _backend;
    private readonly object _gate = new();
    private readonly Counter _flushes;
    private readonly Counter _flushFailures;
    private readonly Counter _droppedChanges;
    private readonly Counter _dataLossResends;
    private readonly Counter _definitionConflicts;
    private readonly Gauge _pendingSeries;
    private readonly Gauge _secondsSinceLastFlush;

    internal RedisBackendMetrics(RedisBackend backend)
    {
        _backend = backend;
        using (Backend.BeginScope(new InProcessBackend()))
        {
            _flushes = new Counter("pytheus_redis_flushes_total", "Flushes of pending changes that Redis confirmed completely.", registry: CollectorRegistry.None);
            _flushFailures = new Counter("pytheus_redis_flush_failures_total", "Flush attempts that left changes unconfirmed; they are kept and retried.", registry: CollectorRegistry.None);
            _droppedChanges = new Counter("pytheus_redis_dropped_changes_total", "Changes Redis refused for good (for example a key holding another type).", registry: CollectorRegistry.None);
            _dataLossResends = new Counter("pytheus_redis_data_loss_resends_total", "Times Redis had lost a metric family's data and this process re-sent what it holds.", registry: CollectorRegistry.None);
            _definitionConflicts = new Counter("pytheus_redis_definition_conflicts_total", "Metric names another process defines differently (type, labels, buckets); kept apart.", registry: CollectorRegistry.None);
            _pendingSeries = new Gauge("pytheus_redis_pending_series", "Series with changes not yet confirmed by Redis.", registry: CollectorRegistry.None);
            _secondsSinceLastFlush = new Gauge("pytheus_redis_seconds_since_last_flush", "Seconds since every pending change was last confirmed by Redis.", registry: CollectorRegistry.None);
        }
    }

    /// <inheritdoc />
    public override string Name => "pytheus_redis_backend";

    /// <inheritdoc />
    public override IEnumerable<Metric> CollectMetrics()
    {
        var status = _backend.Status;
        lock (_gate)
        {
            CatchUp(_flushes, status.Flushes);
            CatchUp(_flushFailures, status.FlushFailures);
            CatchUp(_droppedChanges, status.DroppedChanges);
            CatchUp(_dataLossResends, status.DataLossResends);
            CatchUp(_definitionConflicts, status.DefinitionConflicts);
            _pendingSeries.Set(status.PendingSeries);
            _secondsSinceLastFlush.Set(status.SecondsSinceLastSuccessfulFlush);
        }
        return [_flushes, _flushFailures, _droppedChanges, _dataLossResends, _definitionConflicts, _pendingSeries, _secondsSinceLastFlush];
    }

    // The status counts; the counters follow it (counters only go up, and so do the status counts).
    private static void CatchUp(Counter counter, long total)
    {
        var behind = total - counter.Get();
        if (behind > 0)
        {
            counter.Inc(behind);
        }
    }
}
