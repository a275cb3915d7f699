namespace Pytheus.Compat.PrometheusNet;

/// <summary>What <see cref="Compat.PatchClient(PatchOptions?)"/> did and found.</summary>
public sealed class PatchReport
{
    internal PatchReport(int redirectedMethods, string runtime, string prometheusNetVersion, IReadOnlyList<string> lateSigns, Func<(double Amount, long Observations)> escaped)
    {
        RedirectedMethods = redirectedMethods;
        Runtime = runtime;
        PrometheusNetVersion = prometheusNetVersion;
        LateSigns = lateSigns;
        _escaped = escaped;
    }

    private readonly Func<(double Amount, long Observations)> _escaped;

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

    // Escaped updates are values found in prometheus-net's own storage (written before the patch or by callers that
    // bypassed it) and folded into the backend so far. Amounts and observation counts are reported apart: they are
    // different units. Both stay 0 under the portable strategy, where prometheus-net's storage is the source.

    /// <summary>
    /// The amount folded into counters (their escaped increments) and gauges (the absolute change of each) from values
    /// prometheus-net stored itself, before the patch or through callers that bypassed it.
    /// </summary>
    public double EscapedAmountFolded => _escaped().Amount;

    /// <summary>
    /// The number of histogram and summary observations folded into the backend from prometheus-net's own storage,
    /// before the patch or through callers that bypassed it.
    /// </summary>
    public long EscapedObservationsFolded => _escaped().Observations;
}
