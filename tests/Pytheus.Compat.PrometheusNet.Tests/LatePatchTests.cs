namespace Pytheus.Compat.PrometheusNet.Tests;

/// <summary>
/// A caller optimized before PatchClient() keeps prometheus-net inlined: its updates land in prometheus-net's storage.
/// They must not be lost — folded into the backend at the next export — and the late patch must be reported. Under the
/// portable strategy prometheus-net's storage is the source anyway: the totals are exact and nothing is late.
/// Real child processes, real JIT.
/// </summary>
public class LatePatchTests
{
    [Fact]
    public async Task Updates_from_a_caller_optimized_before_the_patch_are_folded_and_reported()
    {
        var output = await LegacyWorker.RunAsync(["late", "1000000"], ("DOTNET_TieredCompilation", "0"));

        output.ShouldContain($"late_calls_total{{path=\"hot\"}} {ActiveStrategy.Format(1_000_001)}\n");
        output.ShouldContain(ActiveStrategy.IsPortable ? "escaped-amount=0\n" : "escaped-amount=1000001\n");
        output.ShouldContain("escaped-observations=0\n");
        output.ShouldContain(ActiveStrategy.IsPortable ? "late-signs=0\n" : "late-signs=");
        output.ShouldNotContain(ActiveStrategy.IsPortable ? "late-signs=1" : "late-signs=0");
    }

    [Fact]
    public async Task Under_default_tiering_only_the_update_made_before_the_patch_is_folded()
    {
        var output = await LegacyWorker.RunAsync(["late", "1000000"]);

        output.ShouldContain($"late_calls_total{{path=\"hot\"}} {ActiveStrategy.Format(1_000_001)}\n");
        output.ShouldContain(ActiveStrategy.IsPortable ? "escaped-amount=0\n" : "escaped-amount=1\n");
        output.ShouldContain("escaped-observations=0\n");
        output.ShouldContain(ActiveStrategy.IsPortable ? "late-signs=0\n" : "late-signs=1\n");
    }
}
