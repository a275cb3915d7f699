namespace Pytheus.Compat.PrometheusNet.Tests;

/// <summary>A theory about the portable strategy, run in the portable run of the project only (see <see cref="PortableFactAttribute"/>).</summary>
public sealed class PortableTheoryAttribute : TheoryAttribute
{
    public PortableTheoryAttribute()
    {
        if (!ActiveStrategy.IsPortable)
        {
            Skip = "Portable strategy only: run with PYTHEUS_PATCH_STRATEGY=portable (scripts/test.sh does).";
        }
    }
}
