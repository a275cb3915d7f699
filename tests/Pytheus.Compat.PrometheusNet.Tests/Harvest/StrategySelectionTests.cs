using System.Reflection;
using Pytheus.Compat.PrometheusNet.Harvest;
using Pytheus.Compat.PrometheusNet.Patching;

namespace Pytheus.Compat.PrometheusNet.Tests.Harvest;

public class StrategySelectionTests
{
    [Theory]
    [InlineData(null, PatchStrategy.Auto)]
    [InlineData("", PatchStrategy.Auto)]
    [InlineData("auto", PatchStrategy.Auto)]
    [InlineData("Detour", PatchStrategy.Detour)]
    [InlineData(" PORTABLE ", PatchStrategy.Portable)]
    public void The_environment_chooses_when_the_code_does_not(string? value, PatchStrategy expected)
    {
        var (requested, _) = StrategySelection.Requested(new PatchOptions(), Env(value));

        requested.ShouldBe(expected);
    }

    [Fact]
    public void Code_beats_the_environment()
    {
        StrategySelection.Requested(new PatchOptions { Strategy = PatchStrategy.Detour }, Env("portable"))
            .ShouldBe((PatchStrategy.Detour, "PatchOptions.Strategy"));
        StrategySelection.Requested(new PatchOptions { Detourer = new NeverUsedEngine() }, Env("portable"))
            .ShouldBe((PatchStrategy.Detour, "PatchOptions.Detourer"));
    }

    [Fact]
    public void An_unknown_value_is_a_clear_error_naming_variable_value_and_choices()
    {
        var error = Should.Throw<InvalidOperationException>(() => StrategySelection.Requested(new PatchOptions(), Env("native")));

        error.Message.ShouldContain("PYTHEUS_PATCH_STRATEGY='native'");
        error.Message.ShouldContain("auto, detour or portable");
    }

    [Fact]
    public void Auto_falls_back_to_portable_with_the_engine_refusal_as_reason()
    {
        var (detourer, reason) = StrategySelection.Resolve(PatchStrategy.Auto, "default", new PatchOptions(),
            () => throw new PlatformNotSupportedException("Method detours are not supported on arm64"));

        detourer.ShouldBeNull();
        reason.ShouldBe("auto: Method detours are not supported on arm64");
    }

    [Fact]
    public void Auto_takes_the_detour_where_the_engine_starts()
    {
        var engine = new NeverUsedEngine();

        var (detourer, reason) = StrategySelection.Resolve(PatchStrategy.Auto, "default", new PatchOptions(), () => engine);

        detourer.ShouldBeSameAs(engine);
        reason.ShouldContain("supports this platform");
    }

    [Fact]
    public void An_explicit_detour_refused_by_the_platform_throws_and_portable_never_starts_the_engine()
    {
        Should.Throw<PlatformNotSupportedException>(() => StrategySelection.Resolve(PatchStrategy.Detour, "test", new PatchOptions(),
            () => throw new PlatformNotSupportedException("refused")));

        StrategySelection.Resolve(PatchStrategy.Portable, "test", new PatchOptions(), () => throw new InvalidOperationException("must not start"))
            .Detourer.ShouldBeNull();
    }

    private static Func<string, string?> Env(string? value) =>
        name => name == StrategySelection.EnvironmentVariable ? value : null;

    private sealed class NeverUsedEngine : IMethodDetourer
    {
        public IMethodDetour Redirect(MethodBase target, MethodInfo replacement) => throw new InvalidOperationException("not used");
    }
}
