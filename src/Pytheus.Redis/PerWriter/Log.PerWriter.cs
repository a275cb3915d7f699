using Microsoft.Extensions.Logging;

namespace Pytheus.Backends.Redis;

/// <summary>Log messages of writer liveness.</summary>
internal static partial class Log
{
    [LoggerMessage(101, LogLevel.Warning, "Redis backend writer {Writer} found itself unregistered (taken for dead, or Redis lost its data) or rolled back (Redis restarted from an older snapshot); it writes its gauge values again")]
    public static partial void WriterReRegistered(ILogger logger, string writer);

    [LoggerMessage(102, LogLevel.Information, "Removed the per-writer data of dead writer {Writer} ({Keys} key(s))")]
    public static partial void DeadWriterRemoved(ILogger logger, string writer, int keys);

    [LoggerMessage(103, LogLevel.Warning, "Redis backend cannot send its heartbeat and per-writer gauges; they are kept and retried ({PendingValues} values pending)")]
    public static partial void PerWriterFlushFailing(ILogger logger, Exception exception, int pendingValues);

    [LoggerMessage(104, LogLevel.Information, "Redis backend sends its heartbeat and per-writer gauges again")]
    public static partial void PerWriterFlushRecovered(ILogger logger);

    [LoggerMessage(105, LogLevel.Warning, "Redis backend shut down with {PendingValues} per-writer gauge values not sent or without retiring its writer")]
    public static partial void PerWriterShutdownIncomplete(ILogger logger, Exception exception, int pendingValues);
}
