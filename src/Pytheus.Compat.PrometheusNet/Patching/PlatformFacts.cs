using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>What the engine needs to know about the running process before it decides to touch anything.</summary>
internal sealed record PlatformFacts(
    string FrameworkDescription,
    Version RuntimeVersion,
    Architecture ProcessArchitecture,
    bool IsLinux,
    bool IsWindows,
    bool IsDynamicCodeCompiled)
{
    public static PlatformFacts Current { get; } = new(
        RuntimeInformation.FrameworkDescription,
        Environment.Version,
        RuntimeInformation.ProcessArchitecture,
        OperatingSystem.IsLinux(),
        OperatingSystem.IsWindows(),
        RuntimeFeature.IsDynamicCodeCompiled);

    public string Describe() =>
        $"{FrameworkDescription} ({RuntimeVersion}) {(IsLinux ? "linux" : IsWindows ? "windows" : RuntimeInformation.OSDescription)}-" +
        ProcessArchitecture.ToString().ToLowerInvariant();
}
