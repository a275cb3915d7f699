namespace Pytheus.Compat.PrometheusNet.Tests.Patching;

/// <summary>
/// The probe on the .NET 8 runtime (self-contained publish): every call made after the detours (hot loops that go through OSR and
/// tier-up, interface, delegate, reflection, prometheus-internal calls, 2 threads, after background tier-1) must
/// reach the replacement, exactly, and prometheus-net's own values must not move.
/// </summary>
public sealed class DetourProbeNet8Tests
{
    [Fact]
    public async Task Cold_targets_every_call_reaches_the_replacement_and_tier_up_goes_through_the_hook()
    {
        var result = await DetourProbeBuild.RunAsync("net8.0", "cold");

        result.ShouldAllPass(DetourProbeNet10Tests.ColdChecks);

        // Tier 0 then (instrumented and) tier 1: the runtime really recompiled the targets, through the hook.
        result.SubstitutedCompilations("Counter+Child.Inc").ShouldBeGreaterThanOrEqualTo(2, result.Output);
    }

    [Fact]
    public async Task Warm_targets_existing_bodies_are_patched()
    {
        var result = await DetourProbeBuild.RunAsync("net8.0", "warm");

        result.ShouldAllPass(DetourProbeNet10Tests.ColdChecks);
        result.Output.ShouldContain("DIAG Child.Inc preexisting bodies", Case.Sensitive, result.Output);
        result.Output.ShouldNotContain("preexisting bodies 0", Case.Sensitive, result.Output);
    }

    [Fact]
    public async Task Undo_restores_the_original_behaviour()
    {
        var result = await DetourProbeBuild.RunAsync("net8.0", "undo");

        result.ShouldAllPass(5);
    }

    [Fact]
    public async Task A_target_optimized_before_the_patch_is_reported_as_too_late()
    {
        var result = await DetourProbeBuild.RunAsync("net8.0", "late");

        result.ShouldAllPass(1);
    }
}
