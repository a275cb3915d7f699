using Microsoft.Extensions.Logging;

namespace Pytheus.Compat.PrometheusNet;

/// <summary>Source-generated log messages of the compatibility layer (never per call).</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "prometheus-net metric '{Name}' bound to a Pytheus {Type} on the {Backend} backend")]
    public static partial void Bound(ILogger logger, string name, string type, string backend);

    [LoggerMessage(2, LogLevel.Information, "PatchClient(): {Count} prometheus-net methods redirected to Pytheus (backend {Backend}, prometheus-net {Version})")]
    public static partial void Patched(ILogger logger, int count, string backend, string version);

    [LoggerMessage(3, LogLevel.Warning, "PatchClient() was called late: {Detail}. Call it first thing at start-up, before any code using prometheus-net runs, so that no caller is optimized with prometheus-net inlined.")]
    public static partial void CalledLate(ILogger logger, string detail);

    [LoggerMessage(4, LogLevel.Warning, "Updates of '{Name}' escaped the redirection (caller compiled before PatchClient()) and were folded into the backend from prometheus-net's own storage: amount {Amount}, {Observations} observation(s)")]
    public static partial void EscapedFolded(ILogger logger, string name, double amount, long observations);

    [LoggerMessage(5, LogLevel.Error, "prometheus-net metric '{Name}' cannot be exposed by Pytheus: {Reason}")]
    public static partial void CannotExpose(ILogger logger, string name, string reason);

    [LoggerMessage(6, LogLevel.Information, "PatchClient() undone: prometheus-net runs on its own storage again")]
    public static partial void Unpatched(ILogger logger);

    [LoggerMessage(7, LogLevel.Warning, "PatchClient(): native histogram buckets were asked for, but the portable strategy only sees prometheus-net's bucket counts, not the observed values; redirected histograms keep their classic buckets. The detour strategy gives them native buckets.")]
    public static partial void NativeNeedsObservations(ILogger logger);

    [LoggerMessage(8, LogLevel.Warning, "PatchClient(): ServeProtobuf was asked for, but under the portable strategy prometheus-net writes its own exposition, in its text formats. The detour strategy serves protobuf through prometheus-net's endpoints.")]
    public static partial void ProtobufNeedsDetour(ILogger logger);
}
