using System.Diagnostics;

namespace Pytheus.Compat.PrometheusNet.Tests.Patching;

/// <summary>
/// Builds the DetourProbe once per test run (net10.0 on the installed runtime, net8.0/net9.0 self-contained) and runs it as
/// a child process. Shared through a static lazy task rather than a collection fixture so that the test classes
/// for different runtimes can run in parallel.
/// </summary>
internal static class DetourProbeBuild
{
    /// <summary>The runtime settings the probe matrix varies.</summary>
    public static readonly string[] Knobs =
    [
        "DOTNET_TieredCompilation", "DOTNET_TieredPGO", "DOTNET_TC_QuickJitForLoops", "DOTNET_ReadyToRun", "DOTNET_EnableWriteXorExecute",
    ];

    private static readonly Lazy<Task<string>> Output = new(BuildAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static async Task<ProbeResult> RunAsync(string framework, string mode, params (string Name, string Value)[] environment)
    {
        var output = await Output.Value;
        var psi = framework == "net10.0"
            ? new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(output, "Release", framework, "DetourProbe.dll") } }
            : new ProcessStartInfo(Path.Combine(output, "Release", framework, "linux-x64", "DetourProbe"));
        psi.ArgumentList.Add(mode);

        // Only the knobs a test asks for: a developer's own DOTNET_TieredCompilation must not leak into every run.
        foreach (var knob in Knobs)
        {
            psi.Environment.Remove(knob);
        }

        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }

        var (exitCode, stdout) = await TestProcesses.RunAsync(psi, TimeSpan.FromMinutes(2));
        return new ProbeResult(exitCode, stdout);
    }

    private static async Task<string> BuildAsync()
    {
        var output = Path.Combine(Path.GetTempPath(), $"pytheus-detour-probe-{Guid.NewGuid():N}");

        // One build gives all three: the probe project makes its net8.0/net9.0 builds self-contained.
        await TestProcesses.DotnetAsync("build", Path.Combine(TestProcesses.Root, "tests", "DetourProbe", "DetourProbe.csproj"), "-c", "Release", $"-p:BaseOutputPath={output}/");
        return output;
    }
}
