using System.Diagnostics;

namespace Pytheus.Compat.PrometheusNet.Tests;

/// <summary>The tests/LegacyWorker program (a prometheus-net app with PatchClient()), built once per test run.</summary>
internal static class LegacyWorker
{
    private static readonly Lazy<Task<string>> Output = new(() => TestProcesses.BuildAsync("tests/LegacyWorker/LegacyWorker.csproj"));

    public static async Task<string> RunAsync(string[] args, params (string Name, string Value)[] environment)
    {
        var (exitCode, output) = await RunToEndAsync(args, environment);
        exitCode.ShouldBe(0, output);
        return output;
    }

    /// <summary>Runs the worker and returns its exit code and output, whatever they are.</summary>
    public static async Task<(int ExitCode, string Output)> RunToEndAsync(string[] args, params (string Name, string Value)[] environment)
    {
        var psi = new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(await Output.Value, "LegacyWorker.dll") } };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        psi.Environment.Remove("DOTNET_TieredCompilation");
        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }
        return await TestProcesses.RunAsync(psi, TimeSpan.FromMinutes(2));
    }
}
