using System.Globalization;

namespace Pytheus.Compat.PrometheusNet.Tests;

/// <summary>
/// The strategy these tests run under (scripts/test.sh runs the project once per strategy through
/// PYTHEUS_PATCH_STRATEGY). Assertions that differ by design say so through it: under the portable strategy
/// prometheus-net's own storage holds the values and prometheus-net's own exporter writes the text.
/// </summary>
internal static class ActiveStrategy
{
    public static bool IsPortable =>
        string.Equals(Environment.GetEnvironmentVariable("PYTHEUS_PATCH_STRATEGY"), "portable", StringComparison.OrdinalIgnoreCase);

    /// <summary>A sample value as the active exporter writes it: Pytheus's Go-style floats, or prometheus-net's round-trip ones.</summary>
    public static string Format(double value) =>
        IsPortable ? value.ToString(CultureInfo.InvariantCulture) : Pytheus.Exposition.PrometheusFloat.Format(value);

    /// <summary>What prometheus-net's own storage holds for a value written while patched: nothing under the detour.</summary>
    public static double Stored(double value) => IsPortable ? value : 0;
}
