namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>
/// Facts about one detour. Used to report, not hide, the cases no detour can fix: callers that were already
/// optimized before the patch may contain an inlined copy of the target and keep bypassing it.
/// </summary>
internal sealed class DetourDiagnostics
{
    private readonly Func<long> _substitutedCompilations;

    internal DetourDiagnostics(
        int preexistingBodyCount,
        bool preexistingOptimizedBody,
        bool? targetEligibleForTiering,
        bool tieredCompilationDisabled,
        int patchedBodyCount,
        string runtime,
        Func<long> substitutedCompilations)
    {
        PreexistingBodyCount = preexistingBodyCount;
        PreexistingOptimizedBody = preexistingOptimizedBody;
        TargetEligibleForTiering = targetEligibleForTiering;
        TieredCompilationDisabled = tieredCompilationDisabled;
        PatchedBodyCount = patchedBodyCount;
        Runtime = runtime;
        _substitutedCompilations = substitutedCompilations;
    }

    /// <summary>Native bodies of the target that already existed when the detour was applied (0 = "cold" target).</summary>
    public int PreexistingBodyCount { get; }

    /// <summary>
    /// True when a pre-existing body was optimized code (tier-1, or FullOpts because tiering is off for the target).
    /// The target was hot, or tiering is off, before the patch: callers compiled with optimizations before that
    /// moment may have inlined it, and those inlined copies are not redirected. The patch came too late for them.
    /// </summary>
    public bool PreexistingOptimizedBody { get; }

    /// <summary>
    /// Whether the runtime marked the target for tiered compilation (<c>null</c> when it had not decided yet, because
    /// the target was never compiled). False means callers compiled before the patch were optimized at once.
    /// </summary>
    public bool? TargetEligibleForTiering { get; }

    /// <summary>
    /// True when the process runs with tiered compilation off (<c>DOTNET_TieredCompilation=0</c> or
    /// <c>System.Runtime.TieredCompilation=false</c>): every method compiled before the patch was optimized at once and
    /// may have inlined the target even though the target itself was never compiled. The engine cannot see those
    /// callers; only patching before they are compiled (at start-up) avoids them.
    /// </summary>
    public bool TieredCompilationDisabled { get; }

    /// <summary>Pre-existing bodies that received a jump to the replacement when the detour was applied.</summary>
    public int PatchedBodyCount { get; }

    /// <summary>The runtime the detour was applied on, e.g. <c>.NET 10.0.12 linux-x64</c>.</summary>
    public string Runtime { get; }

    /// <summary>
    /// How many times the JIT has compiled the target from the substituted (forwarding) IL so far. Grows with
    /// tier-0 → tier-1 re-compilation; a live value.
    /// </summary>
    public long SubstitutedCompilations => _substitutedCompilations();

    /// <inheritdoc />
    public override string ToString() =>
        $"preexisting bodies {PreexistingBodyCount} (optimized: {PreexistingOptimizedBody}), patched {PatchedBodyCount}, " +
        $"tiering {(TargetEligibleForTiering?.ToString() ?? "undecided")}{(TieredCompilationDisabled ? " (disabled for the process)" : "")}, substituted compilations {SubstitutedCompilations}, {Runtime}";
}
