namespace Pytheus.Compat.PrometheusNet;

/// <summary>What <see cref="Compat.PatchClient(PatchOptions?)"/> did and found.</summary>
public sealed class PatchReport
{
    internal PatchReport(int redirectedMethods, string runtime, string prometheusNetVersion, IReadOnlyList<string> lateSigns, Func<double> escaped)
    {
        RedirectedMethods = redirectedMethods;
        Runtime = runtime;
        PrometheusNetVersion = prometheusNetVersion;
        LateSigns = lateSigns;
        _escaped = escaped;
    }

    private readonly Func<double> _escaped;

    /// <summary>The strategy in use: <see cref="PatchStrategy.Detour"/> or <see cref="PatchStrategy.Portable"/>.</summary>
    public PatchStrategy Strategy { get; internal init; } = PatchStrategy.Detour;

    /// <summary>Why that strategy was chosen (asked for in code or in the environment, or what Auto found).</summary>
    public string StrategyReason { get; internal init; } = string.Empty;

    /// <summary>Number of prometheus-net methods redirected (0 under the portable strategy).</summary>
    public int RedirectedMethods { get; }

    /// <summary>The runtime the patch runs on.</summary>
    public string Runtime { get; }

    /// <summary>The prometheus-net build patched.</summary>
    public string PrometheusNetVersion { get; }

    /// <summary>
    /// Signs that <c>PatchClient()</c> ran after prometheus-net was already in use (empty when it ran in time): metrics
    /// already updated, prometheus-net methods already optimized, tiered compilation off.
    /// </summary>
    public IReadOnlyList<string> LateSigns { get; }

    /// <summary>Whether any sign of late patching was found.</summary>
    public bool CalledLate => LateSigns.Count > 0;

    /// <summary>
    /// Updates found in prometheus-net's own storage (made before the patch or by callers that bypassed it) and folded
    /// into the backend so far. Always 0 under the portable strategy, where prometheus-net's storage is the source.
    /// </summary>
    public double EscapedUpdatesFolded => _escaped();
}
