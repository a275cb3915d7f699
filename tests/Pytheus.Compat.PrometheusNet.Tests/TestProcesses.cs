using System.Diagnostics;

namespace Pytheus.Compat.PrometheusNet.Tests;

/// <summary>Builds helper programs of the repository once and runs them as child processes.</summary>
internal static class TestProcesses
{
    /// <summary>The repository root (where Pytheus.sln is).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Builds a project into a fresh temporary folder and returns it.</summary>
    public static async Task<string> BuildAsync(string project, params string[] extraArguments)
    {
        var output = Path.Combine(Path.GetTempPath(), $"pytheus-{Path.GetFileNameWithoutExtension(project)}-{Guid.NewGuid():N}");
        await DotnetAsync(["build", Path.Combine(Root, project), "-c", "Release", "-o", output, .. extraArguments]);
        return output;
    }

    /// <summary>Runs <c>dotnet</c> with the arguments; throws with its output when it fails.</summary>
    public static async Task DotnetAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = Root };
        foreach (var a in args.Append("-nodeReuse:false").Append("-v:q"))
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        var (exitCode, output) = await RunAsync(psi, TimeSpan.FromMinutes(5));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} failed ({exitCode}):\n{output}");
        }
    }

    /// <summary>Runs a process to its end (killing it after <paramref name="timeout"/>) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo psi, TimeSpan timeout, string? standardInput = null)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = standardInput is not null;
        psi.UseShellExecute = false;
        using var process = Process.Start(psi)!;
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }
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

    private static string FindRoot()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Pytheus.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Pytheus.sln not found above the test binaries.");
        }
        return root;
    }
}
