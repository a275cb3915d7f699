namespace Pytheus.Compat.PrometheusNet.Tests.Patching;

/// <summary>
/// The probe on the .NET 8 and .NET 9 runtimes (self-contained builds), under default settings and under each DOTNET_*
/// setting of the issue: every call made after the detours (hot loops that go through OSR and
/// tier-up, interface, delegate, reflection, prometheus-internal calls, 2 threads, after background tier-1) must
/// reach the replacement, exactly, and prometheus-net's own values must not move.
/// </summary>
public sealed class DetourProbeNet8AndNet9Tests
{
    [Theory]
    [InlineData("net8.0")]
    [InlineData("net9.0")]
    public async Task Cold_targets_every_call_reaches_the_replacement_and_tier_up_goes_through_the_hook(string runtime)
    {
        var result = await DetourProbeBuild.RunAsync(runtime, "cold");

        result.ShouldAllPass(DetourProbeNet10Tests.ColdChecks);

        // Tier 0 then (instrumented and) tier 1: the runtime really recompiled the targets, through the hook.
        result.SubstitutedCompilations("Counter+Child.Inc").ShouldBeGreaterThanOrEqualTo(2, result.Output);
    }

    [Theory]
    [InlineData("net8.0")]
    [InlineData("net9.0")]
    public async Task Warm_targets_existing_bodies_are_patched(string runtime)
    {
        var result = await DetourProbeBuild.RunAsync(runtime, "warm");

        result.ShouldAllPass(DetourProbeNet10Tests.ColdChecks);
        result.Output.ShouldContain("DIAG Child.Inc preexisting bodies", Case.Sensitive, result.Output);
        result.Output.ShouldNotContain("preexisting bodies 0", Case.Sensitive, result.Output);
    }

    [Theory]
    [InlineData("net8.0")]
    [InlineData("net9.0")]
    public async Task Undo_restores_the_original_behaviour(string runtime)
    {
        var result = await DetourProbeBuild.RunAsync(runtime, "undo");

        result.ShouldAllPass(5);
    }

    [Theory]
    [InlineData("net8.0")]
    [InlineData("net9.0")]
    public async Task A_target_optimized_before_the_patch_is_reported_as_too_late(string runtime)
    {
        var result = await DetourProbeBuild.RunAsync(runtime, "late");

        result.ShouldAllPass(1);
    }

    [Theory]
    [InlineData("net8.0")]
    [InlineData("net9.0")]
    public async Task Cold_and_warm_targets_under_each_runtime_setting(string runtime)
    {
        foreach (var mode in new[] { "cold", "warm" })
        {
            // The five probes of a mode run concurrently: they mostly sleep, and exact counts do not depend on timing.
            var runs = DetourProbeBuild.Knobs.Select(knob => DetourProbeBuild.RunAsync(runtime, mode, (knob, "0"))).ToList();
            foreach (var result in await Task.WhenAll(runs))
            {
                result.ShouldAllPass(DetourProbeNet10Tests.ColdChecks);
            }
        }
    }
}
