namespace Pytheus.Compat.PrometheusNet.Tests.Patching;

/// <summary>
/// Cold targets under each DOTNET_* setting of the issue. The five probes run concurrently: they mostly sleep
/// (idle gaps for tiering), and exact call counts do not depend on timing.
/// </summary>
public sealed class DetourProbeNet10SettingsColdTests
{
    [Fact]
    public async Task Cold_targets_under_each_runtime_setting()
    {
        var runs = DetourProbeBuild.Knobs
            .Select(async knob => (Knob: knob, Result: await DetourProbeBuild.RunAsync("net10.0", "cold", (knob, "0"))))
            .ToList();

        foreach (var (knob, result) in await Task.WhenAll(runs))
        {
            result.ShouldAllPass(DetourProbeNet10Tests.ColdChecks);
            if (knob == "DOTNET_TieredCompilation" && "cold" == "cold")
            {
                // FullOpts once, no tiering: exactly one compilation, from the forwarding IL.
                result.SubstitutedCompilations("Counter+Child.Inc").ShouldBe(1, result.Output);
            }
        }
    }
}
