using Microsoft.Extensions.Logging;

namespace Pytheus.Compat.PrometheusNet;

/// <summary>The portable strategy's log messages (never per update).</summary>
internal static partial class Log
{
    [LoggerMessage(20, LogLevel.Information, "PatchClient(): {Strategy} strategy ({Reason})")]
    public static partial void StrategyChosen(ILogger logger, string strategy, string reason);

    [LoggerMessage(21, LogLevel.Information, "PatchClient(): portable strategy, prometheus-net records into its own storage and is harvested into the {Backend} backend every {IntervalMs} ms and before every export (prometheus-net {Version})")]
    public static partial void Harvesting(ILogger logger, string backend, double intervalMs, string version);

    [LoggerMessage(22, LogLevel.Debug, "prometheus-net series {Name}{{{Labels}}} written by other processes created here to show it")]
    public static partial void RemoteSeriesCreated(ILogger logger, string name, string labels);

    [LoggerMessage(23, LogLevel.Warning, "Harvesting prometheus-net metrics into Pytheus failed; the changes stay in prometheus-net's storage and are taken at the next harvest")]
    public static partial void HarvestFailed(ILogger logger, Exception exception);

    [LoggerMessage(24, LogLevel.Warning, "Reading the shared values for a prometheus-net export failed; this export shows the values last read plus this process's changes")]
    public static partial void ShowFailed(ILogger logger, Exception exception);
}
