using System.Runtime.InteropServices;
using Pytheus.Compat.PrometheusNet.Patching;

namespace Pytheus.Compat.PrometheusNet.Tests.Patching;

/// <summary>
/// In-process tests of the engine's contract. The heavy "every call, every path, every runtime" checks run in
/// child processes (DetourProbe*Tests); these cover the API, refusal and undo in the test host itself.
/// </summary>
public sealed unsafe class MethodDetourerTests
{
    [Fact]
    public void Redirects_an_instance_method_to_a_static_replacement()
    {
        var detourer = MethodDetourer.Create();
        using var detour = detourer.Redirect(
            typeof(DetourSample).GetMethod(nameof(DetourSample.AddForRedirect))!,
            typeof(DetourSample).GetMethod(nameof(DetourSample.ReplacementAdd))!);

        DetourSample.CallAddForRedirect(new DetourSample(), 5).ShouldBe(-5);
        detour.IsActive.ShouldBeTrue();
        detour.Diagnostics.PreexistingBodyCount.ShouldBe(0);
    }

    [Fact]
    public void Redirects_a_static_method()
    {
        using var detour = MethodDetourer.Create().Redirect(
            typeof(DetourSample).GetMethod(nameof(DetourSample.TwiceForStatic))!,
            typeof(DetourSample).GetMethod(nameof(DetourSample.ReplacementTwice))!);

        DetourSample.CallTwice(3).ShouldBe(1003);
    }

    [Fact]
    public void Dispose_restores_the_original_even_for_bodies_compiled_while_detoured()
    {
        var detour = MethodDetourer.Create().Redirect(
            typeof(DetourSample).GetMethod(nameof(DetourSample.AddForUndo))!,
            typeof(DetourSample).GetMethod(nameof(DetourSample.ReplacementAdd))!);
        DetourSample.CallAddForUndo(new DetourSample(), 5).ShouldBe(-5);

        detour.Dispose();

        DetourSample.CallAddForUndo(new DetourSample(), 5).ShouldBe(15);
        detour.IsActive.ShouldBeFalse();
        Should.NotThrow(detour.Dispose);
    }

    [Fact]
    public void The_original_entry_point_runs_the_original_code()
    {
        using var detour = MethodDetourer.Create().Redirect(
            typeof(DetourSample).GetMethod(nameof(DetourSample.AddForClone))!,
            typeof(DetourSample).GetMethod(nameof(DetourSample.ReplacementAdd))!);

        var original = (delegate*<DetourSample, int, int>)detour.OriginalEntryPoint;
        original(new DetourSample { Base = 100 }, 1).ShouldBe(101);
        DetourSample.CallAddForClone(new DetourSample(), 1).ShouldBe(-1);
    }

    [Fact]
    public void Rejects_a_replacement_with_the_wrong_signature_without_touching_the_target()
    {
        var target = typeof(DetourSample).GetMethod(nameof(DetourSample.AddForRedirect))!;

        Should.Throw<ArgumentException>(() => MethodDetourer.Create().Redirect(
            target, typeof(DetourSample).GetMethod(nameof(DetourSample.WrongSignature))!));
    }

    [Fact]
    public void Rejects_a_second_detour_of_the_same_target()
    {
        var target = typeof(DetourSample).GetMethod(nameof(DetourSample.TwiceForStatic))!;
        var replacement = typeof(DetourSample).GetMethod(nameof(DetourSample.ReplacementTwice))!;
        using var first = MethodDetourer.Create().Redirect(target, replacement);

        Should.Throw<InvalidOperationException>(() => MethodDetourer.Create().Redirect(target, replacement));
    }

    [Fact]
    public void Refuses_an_unknown_runtime_major_and_touches_nothing()
    {
        var compileMethod = CurrentCompileMethod();
        var facts = PlatformFacts.Current with { RuntimeVersion = new Version(7, 0, 20) };

        var e = Should.Throw<PlatformNotSupportedException>(() => MethodDetourer.Create(facts, KnownRuntime.All));

        e.Message.ShouldContain("CoreCLR 7");
        CurrentCompileMethod().ShouldBe(compileMethod);
    }

    [Fact]
    public void Refuses_an_unknown_jit_interface_guid_and_touches_nothing()
    {
        var compileMethod = CurrentCompileMethod();
        var known = KnownRuntime.All.Select(k => k with { JitEeGuid = Guid.NewGuid() }).ToList();

        var e = Should.Throw<PlatformNotSupportedException>(() => MethodDetourer.Create(PlatformFacts.Current, known));

        e.Message.ShouldContain("JIT-EE interface GUID");
        CurrentCompileMethod().ShouldBe(compileMethod);
    }

    [Theory]
    [InlineData(Architecture.Arm64, true, false)]
    [InlineData(Architecture.X64, false, true)]
    [InlineData(Architecture.X64, false, false)]
    public void Refuses_architectures_and_systems_it_was_not_validated_on(Architecture architecture, bool linux, bool windows)
    {
        var facts = PlatformFacts.Current with { ProcessArchitecture = architecture, IsLinux = linux, IsWindows = windows };

        Should.Throw<PlatformNotSupportedException>(() => MethodDetourer.Create(facts, KnownRuntime.All))
            .Message.ShouldContain("Nothing was patched");
    }

    [Fact]
    public void Refuses_a_runtime_without_a_jit()
    {
        var facts = PlatformFacts.Current with { IsDynamicCodeCompiled = false };

        Should.Throw<PlatformNotSupportedException>(() => MethodDetourer.Create(facts, KnownRuntime.All));
    }

    private static nint CurrentCompileMethod() =>
        JitInterface.Load(RuntimeEnvironment.GetRuntimeDirectory()).CurrentCompileMethod;
}
