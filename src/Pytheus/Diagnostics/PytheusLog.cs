using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pytheus.Diagnostics;

/// <summary>
/// Where the core library logs what an application should know but must never pay for with an exception (a metric
/// reaching its series limit). Set <see cref="LoggerFactory"/> at start-up; <c>AddPytheus</c> in Pytheus.AspNetCore
/// sets it from the host's logging. Nothing is logged until it is set.
/// </summary>
public static partial class PytheusLog
{
    private static ILogger _logger = NullLogger.Instance;
    private static ILoggerFactory _factory = NullLoggerFactory.Instance;

    /// <summary>The logger factory of the core library's messages (category <c>Pytheus</c>).</summary>
    public static ILoggerFactory LoggerFactory
    {
        get => _factory;
        set
        {
            _factory = value ?? NullLoggerFactory.Instance;
            _logger = _factory.CreateLogger("Pytheus");
        }
    }

    internal static void SeriesLimitReached(string metric, int limit) => SeriesLimitReached(_logger, metric, limit);

    [LoggerMessage(1001, LogLevel.Warning,
        "Metric '{Metric}' reached its series limit of {Limit} label sets; writes of new label sets go to its overflow series (counted in pytheus_series_overflows_total)")]
    private static partial void SeriesLimitReached(ILogger logger, string metric, int limit);
}
