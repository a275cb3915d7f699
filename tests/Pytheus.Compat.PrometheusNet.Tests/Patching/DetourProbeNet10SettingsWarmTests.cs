namespace Pytheus.Compat.PrometheusNet.Tests.Patching;

/// <summary>Warm targets (existing bodies jump-patched) under each DOTNET_* setting.</summary>
public sealed class DetourProbeNet10SettingsWarmTests
{
    [Theory]
    [InlineData("DOTNET_TieredCompilation", "0")]
    [InlineData("DOTNET_TieredPGO", "0")]
    [InlineData("DOTNET_TC_QuickJitForLoops", "0")]
    [InlineData("DOTNET_ReadyToRun", "0")]
    [InlineData("DOTNET_EnableWriteXorExecute", "0")]
    public async Task Warm_targets_under_runtime_settings(string knob, string value)
    {
        var result = await DetourProbeBuild.RunAsync("net10.0", "warm", (knob, value));

        result.ShouldAllPass(DetourProbeNet10Tests.ColdChecks);
    }
}
