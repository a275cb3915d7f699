using System.Runtime.CompilerServices;

namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>
/// Methods the engine detours on itself at install, to prove on the running process that each mechanism works
/// before it is used on real targets. Never called anywhere else, so they are cold until the self-test.
/// </summary>
internal static class InstallProbes
{
    /// <summary>Target of the IL-substitution self-test (never compiled before it).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static int SubstitutionTarget(int x) => x + 1;

    /// <summary>Replacement used by the IL-substitution self-test.</summary>
    /// <param name="x">Any value.</param>
    /// <returns><paramref name="x"/> × 100.</returns>
    internal static int SubstitutionReplacement(int x) => x * 100;

    /// <summary>Target of the native-patch self-test (compiled, then jump-patched).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static int NativeTarget(int x) => x + 2;

    /// <summary>Replacement used by the native-patch self-test.</summary>
    /// <param name="x">Any value.</param>
    /// <returns><paramref name="x"/> × 7.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static int NativeReplacement(int x) => x * 7;
}
