using System.Runtime.InteropServices;

namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>
/// Decides, before anything is written, whether the engine knows the running platform. Everything it does is
/// read-only; any doubt ends in <see cref="PlatformNotSupportedException"/>.
/// </summary>
internal static class RuntimeSupportGate
{
    public static KnownRuntime Check(PlatformFacts facts, IReadOnlyList<KnownRuntime> known, Func<Guid> readJitEeGuid)
    {
        var where = facts.Describe();
        if (!facts.IsDynamicCodeCompiled || !facts.FrameworkDescription.StartsWith(".NET ", StringComparison.Ordinal)
            || Type.GetType("Mono.RuntimeStructs") is not null)
        {
            throw Refuse(where, "method detours need CoreCLR with a JIT (not Mono, NativeAOT or an interpreter)");
        }

        if (facts.ProcessArchitecture != Architecture.X64)
        {
            throw Refuse(where, "only x64 is implemented (arm64 needs its own compile hook, B-imm26 patches and instruction-cache flushes)");
        }

        if (!facts.IsLinux)
        {
            throw Refuse(where, facts.IsWindows
                ? "Windows is not implemented: its compile hook must read the method info from r8 and code writes need VirtualProtect/FlushInstructionCache; neither is tested"
                : "only Linux is implemented and tested");
        }

        var runtime = known.FirstOrDefault(k => k.Major == facts.RuntimeVersion.Major)
            ?? throw Refuse(where, $"CoreCLR {facts.RuntimeVersion.Major} is not one of the validated majors ({string.Join(", ", known.Select(k => k.Major))})");

        var guid = readJitEeGuid();
        if (guid != runtime.JitEeGuid)
        {
            throw Refuse(where, $"the JIT-EE interface GUID {guid} is not the validated {runtime.JitEeGuid} of .NET {runtime.Major}");
        }

        return runtime;
    }

    public static PlatformNotSupportedException Refuse(string where, string why) =>
        new($"Method detours are not supported on {where}: {why}. Nothing was patched.");
}
