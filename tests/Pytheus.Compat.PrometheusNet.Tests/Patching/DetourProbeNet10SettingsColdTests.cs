namespace Pytheus.Compat.PrometheusNet.Tests.Patching;

/// <summary>Cold targets under each DOTNET_* setting of the issue (own class so it runs in parallel with the others).</summary>
public sealed class DetourProbeNet10SettingsColdTests
{
    [Theory]
    [InlineData("DOTNET_TieredCompilation", "0")]
    [InlineData("DOTNET_TieredPGO", "0")]
    [InlineData("DOTNET_TC_QuickJitForLoops", "0")]
    [InlineData("DOTNET_ReadyToRun", "0")]
    [InlineData("DOTNET_EnableWriteXorExecute", "0")]
    public async Task Cold_targets_under_runtime_settings(string knob, string value)
    {
        var result = await DetourProbeBuild.RunAsync("net10.0", "cold", (knob, value));

        result.ShouldAllPass(DetourProbeNet10Tests.ColdChecks);
        if (knob == "DOTNET_TieredCompilation")
        {
            // FullOpts once, no tiering: exactly one compilation, from the forwarding IL.
            result.SubstitutedCompilations("Counter+Child.Inc").ShouldBe(1, result.Output);
        }
    }
}
