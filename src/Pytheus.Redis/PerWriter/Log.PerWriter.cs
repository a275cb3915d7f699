using Microsoft.Extensions.Logging;

namespace Pytheus.Backends.Redis;

/// <summary>Log messages of writer liveness.</summary>
internal static partial class Log
{
    [LoggerMessage(101, LogLevel.Warning, "Redis backend writer {Writer} found itself unregistered (taken for dead, or Redis lost its data); it writes its gauge values again")]
    public static partial void WriterReRegistered(ILogger logger, string writer);

    [LoggerMessage(102, LogLevel.Information, "Removed the per-writer data of dead writer {Writer} ({Keys} key(s))")]
    public static partial void DeadWriterRemoved(ILogger logger, string writer, int keys);
}
