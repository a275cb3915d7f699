using Microsoft.Extensions.Logging;

namespace Pytheus.Backends.Redis;

/// <summary>The Redis backend's log messages. Failures are logged when they start and when they end, never per call.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Redis backend started: writer {WriterId}, key prefix '{KeyPrefix}', flush interval {FlushIntervalMs} ms")]
    public static partial void Started(ILogger logger, string writerId, string keyPrefix, double flushIntervalMs);

    [LoggerMessage(2, LogLevel.Warning, "Redis backend cannot flush; changes are kept in memory and retried ({PendingSeries} series pending)")]
    public static partial void FlushFailing(ILogger logger, Exception exception, int pendingSeries);

    [LoggerMessage(3, LogLevel.Information, "Redis backend flushes again after {FailedAttempts} failed attempt(s)")]
    public static partial void FlushRecovered(ILogger logger, long failedAttempts);

    [LoggerMessage(4, LogLevel.Error, "Redis refused the batch of metric '{Metric}' for good ({Code}); its {Changes} change(s) are dropped")]
    public static partial void BatchDropped(ILogger logger, Exception exception, string metric, string code, int changes);

    [LoggerMessage(5, LogLevel.Warning, "Redis backend shut down with {PendingSeries} series not flushed")]
    public static partial void ShutdownIncomplete(ILogger logger, Exception? exception, int pendingSeries);

    [LoggerMessage(6, LogLevel.Debug, "Redis flush attempt failed")]
    public static partial void FlushAttemptFailed(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "Redis connection could not be established yet; the backend keeps retrying in the background")]
    public static partial void ConnectFailed(ILogger logger, Exception exception);

    [LoggerMessage(8, LogLevel.Warning, "Redis lost the data of metric '{Metric}' (key {Key}); this process re-sends everything it holds for it ({Cells} numbers). Contributions of processes no longer running are gone: counters restart lower (a reset).")]
    public static partial void DataLost(ILogger logger, string metric, string key, int cells);

    [LoggerMessage(9, LogLevel.Warning, "Metric '{Metric}' is defined differently by another process ({Others}); this process's definition ({Ours}) keeps its numbers apart, and each scrape shows only its own definition's series")]
    public static partial void DefinitionConflict(ILogger logger, string metric, string ours, string others);

    [LoggerMessage(10, LogLevel.Warning, "Redis went back in time for metric '{Metric}' (key {Key}): it holds sequence {Seen} of this writer, which it had confirmed up to {Confirmed} (restarted from an older snapshot?). The stale hash is replaced and every living process re-sends what it holds.")]
    public static partial void RolledBack(ILogger logger, string metric, string key, long seen, long confirmed);

    [LoggerMessage(11, LogLevel.Warning, "Sentinel service '{Service}' has a new primary: {Old} → {New}; the backend now writes there (batches in flight are resent, never applied twice)")]
    public static partial void SentinelSwitched(ILogger logger, string service, string old, string @new);
}
