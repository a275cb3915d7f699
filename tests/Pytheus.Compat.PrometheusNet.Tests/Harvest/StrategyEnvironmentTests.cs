namespace Pytheus.Compat.PrometheusNet.Tests.Harvest;

/// <summary>PYTHEUS_PATCH_STRATEGY chooses the strategy with no code change (real child processes: the variable is process-wide).</summary>
public class StrategyEnvironmentTests
{
    [Fact]
    public async Task An_unknown_value_fails_PatchClient_with_a_message_naming_it()
    {
        var (exitCode, output) = await LegacyWorker.RunToEndAsync(["scrape"], ("PYTHEUS_PATCH_STRATEGY", "jit"));

        exitCode.ShouldNotBe(0);
        output.ShouldContain("InvalidOperationException");
        output.ShouldContain("PYTHEUS_PATCH_STRATEGY='jit' is not a patch strategy: use auto, detour or portable");
    }

    [Fact]
    public async Task Portable_from_the_environment_is_reported_and_counts_exactly()
    {
        var output = await LegacyWorker.RunAsync(["late", "1000"], ("PYTHEUS_PATCH_STRATEGY", "portable"), ("DOTNET_TieredCompilation", "0"));

        output.ShouldContain("strategy=Portable\n");
        output.ShouldContain("late_calls_total{path=\"hot\"} 1001\n");
        output.ShouldContain("late-signs=0\n");
    }
}
