namespace Pytheus.Backends.Redis;

/// <summary>
/// An immutable snapshot of a <see cref="RedisBackend"/>'s health (<see cref="RedisBackend.Status"/>), as
/// StackExchange.Redis exposes its counters: for health checks, dashboards and tests, without reading metrics by name.
/// Counters count since the backend was created.
/// </summary>
public sealed record RedisBackendStatus
{
    /// <summary>Whether the connection to Redis is currently established.</summary>
    public required bool IsConnected { get; init; }

    /// <summary>Series with changes not yet confirmed by Redis.</summary>
    public required int PendingSeries { get; init; }

    /// <summary>Seconds since every pending change was last confirmed by Redis (alert on it).</summary>
    public required double SecondsSinceLastSuccessfulFlush { get; init; }

    /// <summary>Flushes that Redis confirmed completely.</summary>
    public required long Flushes { get; init; }

    /// <summary>Flush attempts that left changes unconfirmed; those changes are kept and retried.</summary>
    public required long FlushFailures { get; init; }

    /// <summary>Changes Redis refused for good (<c>WRONGTYPE</c>, a failing script) and that were dropped.</summary>
    public required long DroppedChanges { get; init; }

    /// <summary>
    /// Times this process found that Redis had lost a family's data (restart without persistence, <c>FLUSHALL</c>,
    /// expiry, eviction) and re-sent everything it holds for it.
    /// </summary>
    public required long DataLossResends { get; init; }

    /// <summary>Metric names found defined differently (type, labels, buckets) by another process; each kept apart.</summary>
    public required long DefinitionConflicts { get; init; }

    /// <summary>The last flush error (type and message), or null if there never was one.</summary>
    public required string? LastError { get; init; }
}
