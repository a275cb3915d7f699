using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Pytheus.Redis.Tests.GaugeModes;

/// <summary>A tests/Pytheus.RedisWorker process in its "gauges" role: one writer, driven line by line over stdin.</summary>
internal sealed class GaugeWorkerProcess : IDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = [];
    private readonly StringBuilder _errors = new();

    public GaugeWorkerProcess(int port, string prefix, int graceMs, int retentionMs)
    {
        _process = WorkerBinary.Start(
            ["gauges", port.ToString(CultureInfo.InvariantCulture), prefix, graceMs.ToString(CultureInfo.InvariantCulture), retentionMs.ToString(CultureInfo.InvariantCulture)],
            _lines, _errors);
        var ready = ReadLine();
        ready.ShouldStartWith("ready ", customMessage: Diagnostics);
        WriterId = ready["ready ".Length..];
    }

    /// <summary>The writer id of the process's backend (the value of its <c>pytheus_writer</c> label).</summary>
    public string WriterId { get; }

    public string Diagnostics
    {
        get
        {
            lock (_errors)
            {
                return $"gauge worker {WriterId} stderr: {_errors}";
            }
        }
    }

    /// <summary>Sends a command and waits for its <c>ok</c>.</summary>
    public void Do(string command)
    {
        _process.StandardInput.WriteLine(command);
        ReadLine().ShouldBe("ok", Diagnostics);
    }

    /// <summary>Sets a series and flushes it to Redis.</summary>
    public void SetAndFlush(string mode, string k, double value)
    {
        Do(string.Create(CultureInfo.InvariantCulture, $"set {mode} {k} {value}"));
        Do("flush");
    }

    /// <summary>The process's own scrape of Redis.</summary>
    public string Scrape()
    {
        _process.StandardInput.WriteLine("scrape");
        var text = new StringBuilder();
        string line;
        while ((line = ReadLine()) != "end")
        {
            text.Append(line).Append('\n');
        }
        return text.ToString();
    }

    public void Kill() => _process.Kill(entireProcessTree: true);

    public void Exit()
    {
        _process.StandardInput.WriteLine("exit");
        _process.WaitForExit(30_000).ShouldBeTrue(Diagnostics);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }

    private string ReadLine() =>
        _lines.TryTake(out var line, ReplyTimeout) ? line : throw new TimeoutException("No reply from the gauge worker. " + Diagnostics);
}
