using Pytheus.Compat.PrometheusNet.Patching;

namespace Pytheus.Compat.PrometheusNet.Harvest;

/// <summary>
/// Picks the strategy: <see cref="PatchOptions.Strategy"/> when set, or the detour when a
/// <see cref="PatchOptions.Detourer"/> is given (code beats environment), else
/// <c>PYTHEUS_PATCH_STRATEGY</c>, else <see cref="PatchStrategy.Auto"/>; Auto becomes the detour when the engine starts
/// on this platform and the portable strategy when it refuses (it refuses before writing anything).
/// </summary>
internal static class StrategySelection
{
    public const string EnvironmentVariable = "PYTHEUS_PATCH_STRATEGY";

    /// <summary>The strategy asked for, in code or in the environment, and where it came from.</summary>
    /// <exception cref="InvalidOperationException">The environment variable holds an unknown value.</exception>
    public static (PatchStrategy Requested, string Source) Requested(PatchOptions options, Func<string, string?> environment)
    {
        if (options.Strategy is { } fromCode)
        {
            return (fromCode, "PatchOptions.Strategy");
        }
        if (options.Detourer is not null)
        {
            // A detour engine given in code is a choice made in code.
            return (PatchStrategy.Detour, "PatchOptions.Detourer");
        }
        var text = environment(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return (PatchStrategy.Auto, "default");
        }
        return text.Trim().ToLowerInvariant() switch
        {
            "auto" => (PatchStrategy.Auto, EnvironmentVariable),
            "detour" => (PatchStrategy.Detour, EnvironmentVariable),
            "portable" => (PatchStrategy.Portable, EnvironmentVariable),
            _ => throw new InvalidOperationException(
                $"{EnvironmentVariable}='{text}' is not a patch strategy: use auto, detour or portable (or set PatchOptions.Strategy in code). Nothing was patched."),
        };
    }

    /// <summary>
    /// Resolves Auto: the detour engine (null for the portable strategy) and why that strategy was chosen.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The detour was asked for explicitly on a platform the engine refuses.</exception>
    public static (IMethodDetourer? Detourer, string Reason) Resolve(PatchStrategy requested, string source, PatchOptions options, Func<IMethodDetourer> createEngine)
    {
        switch (requested)
        {
            case PatchStrategy.Detour:
                return (options.Detourer ?? createEngine(), $"detour requested ({source})");
            case PatchStrategy.Portable:
                return (null, $"portable requested ({source})");
            case PatchStrategy.Auto:
                try
                {
                    return (createEngine(), "auto: the detour engine supports this platform");
                }
                catch (PlatformNotSupportedException e)
                {
                    return (null, $"auto: {e.Message}");
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(requested), requested, $"Unknown patch strategy {requested}.");
        }
    }
}
