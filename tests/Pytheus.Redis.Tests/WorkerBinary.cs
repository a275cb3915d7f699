using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Pytheus.Redis.Tests;

/// <summary>tests/Pytheus.RedisWorker, built in the same configuration and framework as the tests, started as a child process.</summary>
internal static class WorkerBinary
{
    public static string Path
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
            var framework = output.Name;
            var configuration = output.Parent!.Name;
            var root = output;
            while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "Pytheus.sln")))
            {
                root = root.Parent;
            }
            var path = System.IO.Path.Combine(root!.FullName, "tests", "Pytheus.RedisWorker", "bin", configuration, framework, "Pytheus.RedisWorker.dll");
            File.Exists(path).ShouldBeTrue($"{path} is built with the tests");
            return path;
        }
    }

    /// <summary>Starts the worker with <paramref name="args"/>; its output lines go to <paramref name="lines"/>, its errors to <paramref name="errors"/>.</summary>
    public static Process Start(IEnumerable<string> args, BlockingCollection<string> lines, StringBuilder errors)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lines.Add(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
