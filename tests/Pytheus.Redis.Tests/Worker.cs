using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Pytheus.Redis.Tests;

/// <summary>
/// One tests/Pytheus.RedisWorker process writing counters, a histogram, a summed gauge and a summary (see its
/// Program.cs); <c>server</c> is a port on loopback or a StackExchange.Redis configuration string.
/// </summary>
internal sealed class Worker : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = [];
    private readonly StringBuilder _errors = new();
    private readonly string _id;

    public Worker(string server, string prefix, string id, int threads, int flushIntervalMs = 50)
    {
        _id = id;
        _process = WorkerBinary.Start(
            [server, prefix, id, threads.ToString(CultureInfo.InvariantCulture), flushIntervalMs.ToString(CultureInfo.InvariantCulture)],
            _lines, _errors);
    }

    public string Diagnostics
    {
        get
        {
            lock (_errors)
            {
                return $"worker {_id} stderr: {_errors}";
            }
        }
    }

    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    public string ReadLine()
    {
        _lines.TryTake(out var line, TimeSpan.FromSeconds(60)).ShouldBeTrue("worker answered: " + Diagnostics);
        return line!;
    }

    public long Mark()
    {
        Send("mark");
        var line = ReadLine();
        line.ShouldStartWith("mark ");
        return long.Parse(line[5..], CultureInfo.InvariantCulture);
    }

    /// <summary>Sends SIGTERM (a graceful stop: .NET raises ProcessExit) and waits for the exit.</summary>
    public void Terminate()
    {
        using (var kill = Process.Start("/bin/kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }
        _process.WaitForExit(30_000).ShouldBeTrue(Diagnostics);
    }

    public WorkerResult Finish()
    {
        var line = ReadLine();
        line.ShouldStartWith("done ", customMessage: Diagnostics);
        _process.WaitForExit(30_000).ShouldBeTrue();
        var parts = line.Split(' ');
        string Field(string name) => parts.Single(p => p.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];
        return new WorkerResult(
            _id,
            parts[1].Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
            long.Parse(Field("errors"), CultureInfo.InvariantCulture),
            long.Parse(Field("scrapes"), CultureInfo.InvariantCulture),
            long.Parse(Field("bad"), CultureInfo.InvariantCulture),
            double.Parse(Field("pending"), CultureInfo.InvariantCulture),
            long.Parse(Field("resends"), CultureInfo.InvariantCulture),
            line + " " + Diagnostics.Trim());
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        _lines.Dispose();
    }
}
