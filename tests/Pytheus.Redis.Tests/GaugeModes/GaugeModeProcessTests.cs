using System.Diagnostics;
using System.Globalization;
using System.Text;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Redis.Tests.GaugeModes;

/// <summary>
/// Gauge modes across real processes (tests/Pytheus.RedisWorker "gauges") on one real Redis: every mode's exposition
/// exact with three writers, a SIGKILLed writer dropped by the live modes, a writer restarted in place, removal seen
/// from every process.
/// </summary>
[Collection(RedisCollection.Name)]
public class GaugeModeProcessTests(RedisServer server) : RedisTestBase(server)
{
    // Workers flush every 50 ms: a writer is dead 3 × 50 ms + 200 ms after its last heartbeat.
    private const int GraceMs = 200;
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(20);
    private static readonly GaugeMode[] Modes = Enum.GetValues<GaugeMode>();

    [Fact]
    public void Every_mode_combines_three_processes_exactly_and_every_process_shows_the_same()
    {
        using var w0 = Worker();
        using var w1 = Worker();
        using var w2 = Worker();
        foreach (var mode in Modes.Where(m => m != GaugeMode.Shared))
        {
            // One after the other, with a gap, so that "most recent" is w2 whatever the clock's resolution.
            w0.SetAndFlush(mode.ToConfigName(), "x", 1);
            Waits.AtLeast(TimeSpan.FromMilliseconds(3));
            w1.SetAndFlush(mode.ToConfigName(), "x", 2);
            Waits.AtLeast(TimeSpan.FromMilliseconds(3));
            w2.SetAndFlush(mode.ToConfigName(), "x", 4);
        }
        // pytheus's shared gauge: the last Set to reach Redis, plus the increments after it.
        w0.SetAndFlush("shared", "x", 1);
        w1.SetAndFlush("shared", "x", 2);
        w2.Do("inc shared x 4");
        w2.Do("flush");

        var writers = new[] { w0, w1, w2 }.OrderBy(w => w.WriterId, StringComparer.Ordinal).Select(w => w.WriterId).ToArray();
        var value = new Dictionary<string, int> { [w0.WriterId] = 1, [w1.WriterId] = 2, [w2.WriterId] = 4 };
        var expected = new StringBuilder();
        foreach (var mode in Modes)
        {
            var name = "gm_" + mode.ToConfigName();
            expected.Append(CultureInfo.InvariantCulture, $"# HELP {name} Gauge in mode {mode.ToConfigName()}\n# TYPE {name} gauge\n");
            if (mode.HasWriterLabel())
            {
                foreach (var writer in writers)
                {
                    expected.Append(CultureInfo.InvariantCulture, $"{name}{{k=\"x\",pytheus_writer=\"{writer}\"}} {value[writer]}\n");
                }
                continue;
            }
            var shown = mode switch
            {
                GaugeMode.Sum or GaugeMode.LiveSum => 7,
                GaugeMode.Min or GaugeMode.LiveMin => 1,
                GaugeMode.Shared => 6,
                _ => 4,
            };
            expected.Append(CultureInfo.InvariantCulture, $"{name}{{k=\"x\"}} {shown}\n");
        }

        ReaderScrape().ShouldBe(expected.ToString());
        w0.Scrape().ShouldBe(expected.ToString());
        w2.Scrape().ShouldBe(expected.ToString());
    }

    [Fact]
    public void A_sigkilled_process_leaves_livesum_within_the_liveness_bound_and_a_restarted_one_is_a_new_writer()
    {
        using var w0 = Worker();
        using var w1 = Worker();
        using var w2 = Worker();
        foreach (var worker in new[] { w0, w1, w2 })
        {
            // Three requests in progress in each process.
            worker.Do("inc livesum jobs 3");
            worker.Do("inc sum jobs 3");
            worker.Do("inc liveall jobs 3");
            worker.Do("flush");
        }
        Value(ReaderScrape(), "gm_livesum{k=\"jobs\"}").ShouldBe(9);

        w1.Kill();

        var text = Until(t => Value(t, "gm_livesum{k=\"jobs\"}") == 6);
        Value(text, "gm_sum{k=\"jobs\"}").ShouldBe(9, "sum keeps a dead writer until its retention");
        Writers(text, "gm_liveall").ShouldBe(new[] { w0.WriterId, w2.WriterId }.Order(StringComparer.Ordinal));

        using var restarted = Worker();
        restarted.WriterId.ShouldNotBe(w1.WriterId);
        restarted.Do("inc livesum jobs 3");
        restarted.Do("inc liveall jobs 3");
        restarted.Do("flush");

        text = ReaderScrape();
        Value(text, "gm_livesum{k=\"jobs\"}").ShouldBe(9);
        Writers(text, "gm_liveall").ShouldBe(new[] { w0.WriterId, w2.WriterId, restarted.WriterId }.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_removed_series_is_gone_for_every_process_and_a_later_write_brings_back_only_the_writers_own_value()
    {
        using var w0 = Worker();
        using var w1 = Worker();
        using var w2 = Worker();
        w0.SetAndFlush("livesum", "q", 1);
        w1.SetAndFlush("livesum", "q", 2);
        w2.SetAndFlush("livesum", "q", 4);
        w0.SetAndFlush("livesum", "kept", 5);

        w0.Do("remove livesum q");
        w0.Do("flush");

        foreach (var text in new[] { ReaderScrape(), w1.Scrape(), w2.Scrape(), w0.Scrape() })
        {
            text.ShouldNotContain("gm_livesum{k=\"q\"}");
            Value(text, "gm_livesum{k=\"kept\"}").ShouldBe(5);
        }

        w1.Do("inc livesum q 1");
        w1.Do("flush");

        Value(ReaderScrape(), "gm_livesum{k=\"q\"}").ShouldBe(3, "w1's own value (2 + 1); the removed total (7) never comes back");
    }

    [Fact]
    public void A_process_that_exits_gracefully_leaves_the_live_modes_at_once()
    {
        using var w0 = Worker();
        using var w1 = Worker(graceMs: 60_000);
        w0.SetAndFlush("livemax", "t", 3);
        w1.SetAndFlush("livemax", "t", 8);
        Value(ReaderScrape(), "gm_livemax{k=\"t\"}").ShouldBe(8);

        // With a grace of a minute, only the retirement at shutdown can make w1 dead before the test ends.
        w1.Exit();

        Value(ReaderScrape(), "gm_livemax{k=\"t\"}").ShouldBe(3);
    }

    private GaugeWorkerProcess Worker(int graceMs = GraceMs) => new(Server.Port, Prefix, graceMs, retentionMs: 60_000);

    private string ReaderScrape()
    {
        var reader = _reader ??= NewBackend();
        if (_readerRegistry is null)
        {
            _readerRegistry = new CollectorRegistry();
            foreach (var mode in Modes)
            {
                On(reader, () => new Gauge("gm_" + mode.ToConfigName(), "Gauge in mode " + mode.ToConfigName(), ["k"], registry: _readerRegistry, mode: mode));
            }
        }
        return Scrape(_readerRegistry);
    }

    private Pytheus.Backends.Redis.RedisBackend? _reader;
    private CollectorRegistry? _readerRegistry;

    private string Until(Func<string, bool> condition)
    {
        var watch = Stopwatch.StartNew();
        string text;
        while (!condition(text = ReaderScrape()))
        {
            if (watch.Elapsed > Eventually)
            {
                throw new ShouldAssertException($"Not reached within {Eventually.TotalSeconds} s; last scrape:\n{text}");
            }
            Thread.Sleep(50);
        }
        return text;
    }

    private static double Value(string text, string series)
    {
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private static string[] Writers(string text, string family) =>
        text.Split('\n').Where(l => l.StartsWith(family + "{", StringComparison.Ordinal))
            .Select(l => l.Split("pytheus_writer=\"")[1].Split('"')[0]).ToArray();
}
