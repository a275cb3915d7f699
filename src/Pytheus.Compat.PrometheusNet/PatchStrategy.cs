namespace Pytheus.Compat.PrometheusNet;

/// <summary>
/// How <see cref="Compat.PatchClient(PatchOptions?)"/> moves prometheus-net onto Pytheus (see docs/patchclient.md).
/// Also chosen by the environment variable <c>PYTHEUS_PATCH_STRATEGY</c> (<c>auto</c>, <c>detour</c>, <c>portable</c>)
/// when <see cref="PatchOptions.Strategy"/> is null.
/// </summary>
public enum PatchStrategy
{
    /// <summary>The detour where the engine supports the platform (x64 Linux, .NET 8, 9, 10), the portable strategy elsewhere; the choice and its reason are logged.</summary>
    Auto,

    /// <summary>
    /// Redirect prometheus-net's hot methods to Pytheus with the native detour engine: every update goes straight to the
    /// backend. x64 Linux on .NET 8, 9 and 10 only (<see cref="PlatformNotSupportedException"/> elsewhere).
    /// </summary>
    Detour,

    /// <summary>
    /// No native code, no JIT hook, no code writes: prometheus-net records into its own storage, and Pytheus harvests the
    /// changes into the backend at every <see cref="PatchOptions.HarvestInterval"/> and before every export, then shows
    /// the shared values through prometheus-net's own exporters. Runs wherever prometheus-net runs.
    /// </summary>
    Portable,
}
