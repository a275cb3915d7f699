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

        var (exitCode, stdout) = await RunProcessAsync(psi, TimeSpan.FromMinutes(2));
        return new ProbeResult(exitCode, stdout);
    }

    private static async Task<string> BuildAsync()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Pytheus.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Pytheus.sln not found above the test binaries.");
        }

        var project = Path.Combine(root, "tests", "DetourProbe", "DetourProbe.csproj");
        var output = Path.Combine(Path.GetTempPath(), $"pytheus-detour-probe-{Guid.NewGuid():N}");

        // One build gives all three: the probe project makes its net8.0/net9.0 builds self-contained.
        await Dotnet(root, "build", project, "-c", "Release", $"-p:BaseOutputPath={output}/");
        return output;
    }

    private static async Task Dotnet(string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory };
        foreach (var a in args.Append("-nodeReuse:false").Append("-v:q"))
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        var (exitCode, stdout) = await RunProcessAsync(psi, TimeSpan.FromMinutes(5));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} failed ({exitCode}):\n{stdout}");
        }
    }

    private static async Task<(int ExitCode, string Output)> RunProcessAsync(ProcessStartInfo psi, TimeSpan timeout)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{psi.FileName} {string.Join(' ', psi.ArgumentList)} did not finish in {timeout}.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
