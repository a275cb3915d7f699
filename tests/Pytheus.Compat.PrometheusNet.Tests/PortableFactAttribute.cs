namespace Pytheus.Compat.PrometheusNet.Tests;

/// <summary>A test of the portable strategy's machinery, skipped by design in the detour run (prometheus-net's storage stays empty there).</summary>
public sealed class PortableFactAttribute : FactAttribute
{
    public PortableFactAttribute()
    {
        if (!ActiveStrategy.IsPortable)
        {
            Skip = "Portable strategy only: run with PYTHEUS_PATCH_STRATEGY=portable (scripts/test.sh does).";
        }
    }
}
