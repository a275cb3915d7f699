using System.Reflection;

namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>
/// Redirects methods to replacements at run time. Kept deliberately narrow so that the engine behind it
/// (our own, or Harmony one day) can be swapped without touching the callers.
/// </summary>
internal interface IMethodDetourer
{
    /// <summary>
    /// Makes every later call of <paramref name="target"/> run <paramref name="replacement"/> instead.
    /// </summary>
    /// <param name="target">
    /// A non-generic, non-abstract method of a non-generic class (instance or static). Instance methods that
    /// implement interfaces on sealed classes are supported.
    /// </param>
    /// <param name="replacement">
    /// A public static, non-generic method of a public non-generic type whose parameters are the target's
    /// declaring type (for an instance target) followed by the target's parameters, with the same return type.
    /// </param>
    /// <returns>The active detour; dispose it to restore the original behaviour.</returns>
    /// <exception cref="PlatformNotSupportedException">The running runtime, OS or CPU is not one the engine knows.</exception>
    /// <exception cref="ArgumentException">The pair of methods cannot be detoured (shape mismatch, generic, ...).</exception>
    /// <exception cref="InvalidOperationException">The target already has an active detour.</exception>
    IMethodDetour Redirect(MethodBase target, MethodInfo replacement);
}
