using Microsoft.Extensions.Logging;

namespace Pytheus.AspNetCore;

/// <summary>Source-generated log messages. Nothing here is logged per metric update or per request.</summary>
internal static partial class Log
{
    /// <summary>The logger category of everything this package logs.</summary>
    public const string Category = "Pytheus.AspNetCore";

    [LoggerMessage(1, LogLevel.Error, "Scrape of {Path} failed; answered 503")]
    public static partial void ScrapeFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(2, LogLevel.Information, "Pytheus backend {BackendType} ready (current for new metrics: {IsCurrent})")]
    public static partial void BackendReady(ILogger logger, string backendType, bool isCurrent);

    [LoggerMessage(3, LogLevel.Warning, "Flushing Pytheus backend {BackendType} on shutdown failed; unflushed values are lost")]
    public static partial void FlushFailed(ILogger logger, Exception exception, string backendType);

    [LoggerMessage(4, LogLevel.Warning, "Flushing Pytheus backend {BackendType} did not finish within the host's shutdown timeout; unflushed values are lost")]
    public static partial void FlushTimedOut(ILogger logger, string backendType);

    [LoggerMessage(5, LogLevel.Warning, "Disposing Pytheus backend {BackendType} failed")]
    public static partial void DisposeFailed(ILogger logger, Exception exception, string backendType);

    [LoggerMessage(6, LogLevel.Information, "Pytheus metrics served at {Url}")]
    public static partial void MetricServerStarted(ILogger logger, string url);

    [LoggerMessage(7, LogLevel.Warning, "Meter bridge: instrument {Meter}/{Instrument} measured with tag '{Tag}' that its first measurement did not have; the tag is dropped from its measurements (values still count). Logged once per instrument and tag")]
    public static partial void MeterTagDropped(ILogger logger, string meter, string instrument, string tag);

    [LoggerMessage(8, LogLevel.Warning, "Meter bridge: instrument {Meter}/{Instrument} cannot be exported as '{MetricName}' and is ignored")]
    public static partial void MeterInstrumentRejected(ILogger logger, Exception exception, string meter, string instrument, string metricName);

    [LoggerMessage(9, LogLevel.Warning, "Meter bridge: reading observable instruments failed")]
    public static partial void ObservableReadFailed(ILogger logger, Exception exception);

    [LoggerMessage(11, LogLevel.Warning, "{Count} metric(s) of the exposed registry store their values in {OtherBackend}, not in the configured {BackendType}, because they were created before it was loaded (first: '{Example}'). Create metrics after builder.Build() and app.MapPytheusMetrics()/UsePytheusHttpMetrics(), or resolve IBackend first")]
    public static partial void MetricsOnOtherBackend(ILogger logger, int count, string otherBackend, string backendType, string example);

    [LoggerMessage(10, LogLevel.Information, "Meter bridge exporting instrument {Meter}/{Instrument} as '{MetricName}' ({MetricType})")]
    public static partial void MeterInstrumentExported(ILogger logger, string meter, string instrument, string metricName, string metricType);

    [LoggerMessage(12, LogLevel.Warning, "Metrics are served at {Url} beyond loopback without authentication: anyone who can reach this host can read them. Set BasicAuthenticationUserName/Password or bind a private address")]
    public static partial void MetricServerExposed(ILogger logger, string url);
}
