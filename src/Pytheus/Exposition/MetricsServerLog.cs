using Microsoft.Extensions.Logging;

namespace Pytheus.Exposition;

/// <summary>The <see cref="MetricsServer"/>'s log messages.</summary>
internal static partial class MetricsServerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Scrape of {Path} failed: answered 503")]
    public static partial void ScrapeFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Scrape of {Path} refused with 503: {Waiting} requests already wait for one of {Slots} slots")]
    public static partial void Overloaded(ILogger logger, string path, int waiting, int slots);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "A client read {Path} too slowly: its connection was closed after {Timeout}")]
    public static partial void SlowClient(ILogger logger, string path, TimeSpan timeout);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "Metrics are served on every address at {Url} without authentication: anyone who can reach this host can read them")]
    public static partial void Exposed(ILogger logger, Uri url);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Listening on {Prefix} only")]
    public static partial void SinglePrefix(ILogger logger, Exception exception, string prefix);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "A client went away during a scrape")]
    public static partial void ClientGone(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "Closing the metrics listener or a response failed")]
    public static partial void CloseFailed(ILogger logger, Exception exception);
}
