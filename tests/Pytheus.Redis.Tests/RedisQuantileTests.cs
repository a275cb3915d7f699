using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Pytheus.Backends;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Redis.Tests;

/// <summary>
/// Summary quantiles on a real redis-server: every writer's sketch counts add up in Redis, so a scrape from any process
/// estimates the quantiles of all their observations — each within 1% (relative) of the exact quantile of the union;
/// windows that no longer count and removed series are deleted for every process.
/// </summary>
[Collection(RedisCollection.Name)]
public class RedisQuantileTests(RedisServer server) : RedisTestBase(server)
{
    private const double Alpha = 0.01;
    private static readonly double[] Objectives = [0.01, 0.5, 0.9, 0.99, 0.999];

    [Fact]
    public async Task Quantiles_of_several_writers_merge_within_one_percent_of_the_exact_quantiles_of_all_their_data()
    {
        var random = new Random(7);
        // Three writers with different shapes: no writer's own quantiles are the merged ones.
        double[][] data =
        [
            [.. Enumerable.Range(0, 10_000).Select(_ => 1 + random.NextDouble() * 9)],
            [.. Enumerable.Range(0, 10_000).Select(_ => Math.Exp(random.NextDouble() * 6 - 2))],
            [.. Enumerable.Range(0, 5_000).Select(_ => -random.NextDouble() * 50)],
        ];
        var writers = data.Select(_ => NewBackend()).ToArray();
        for (var w = 0; w < writers.Length; w++)
        {
            var summary = On(writers[w], () => new Summary("rq_latency_seconds", "Latency", ["route"], registry: new CollectorRegistry(), objectives: Objectives));
            foreach (var value in data[w])
            {
                summary.Labels(("route", "a")).Observe(value);
            }
            await writers[w].FlushAsync();
        }
        var registry = new CollectorRegistry();
        On(NewBackend(), () => new Summary("rq_latency_seconds", "Latency", ["route"], registry: registry, objectives: Objectives));

        var text = Scrape(registry);

        text.ShouldContain("rq_latency_seconds_count{route=\"a\"} 25000\n");
        ShouldBeWithinBound(Quantiles(text, "rq_latency_seconds", "route=\"a\","), data.SelectMany(d => d));
    }

    [Fact]
    public async Task Quantiles_from_worker_processes_merge_within_one_percent_of_the_exact_quantiles_and_the_last_exemplar_wins()
    {
        const int Count = 20_000;
        int[] seeds = [11, 12, 13, 14];
        var lines = new BlockingCollection<string>();
        var errors = new StringBuilder();
        await RunWorkersAsync(seeds.Take(3), Count, lines, errors);
        // One more after the others ended: its exemplar is the latest, so it wins whoever flushed last.
        await RunWorkersAsync(seeds.Skip(3), Count, lines, errors);
        lines.Count(l => l == "done").ShouldBe(seeds.Length);
        var registry = new CollectorRegistry();
        var reader = NewBackend();
        On(reader, () => new Summary("mq_latency_seconds", "Latency", ["route"], registry: registry, objectives: [0.5, 0.9, 0.99, 0.999]));
        On(reader, () => new Counter("mq_requests_total", "Requests", registry: registry));

        var text = Scrape(registry);

        text.ShouldContain($"mq_latency_seconds_count{{route=\"shared\"}} {seeds.Length * Count}\n");
        text.ShouldContain($"mq_requests_total {seeds.Length}\n");
        Regex.IsMatch(MetricsExposition.GenerateMetrics(registry, ExpositionFormat.OpenMetrics), "mq_requests_total 4 # \\{worker=\"14\"\\} 1 \\d+").ShouldBeTrue();
        var all = seeds.SelectMany(seed =>
        {
            var random = new Random(seed);
            return Enumerable.Range(0, Count).Select(_ => Math.Exp(random.NextDouble() * 8 - 4)).ToArray();
        });
        ShouldBeWithinBound(Quantiles(text, "mq_latency_seconds", "route=\"shared\","), all, [0.5, 0.9, 0.99, 0.999]);
    }

    [Fact]
    public async Task A_window_that_no_longer_counts_is_deleted_from_Redis_by_its_writer_or_by_a_scrape()
    {
        var start = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
        var writerClock = new FakeTimeProvider(start);
        var writer = NewBackend();
        var summary = On(writer, () => new Summary("rq_age_seconds", "Age", registry: new CollectorRegistry(), objectives: [0.5],
            maxAge: TimeSpan.FromMinutes(5), ageBuckets: 5));
        summary.Family.Clock = writerClock;
        var firstWindow = start.ToUnixTimeMilliseconds() / 60_000;
        summary.Observe(1);
        summary.Observe(2);
        await writer.FlushAsync();
        SketchFields(KeyOf(summary), $"q={firstWindow}:").ShouldBe(2);

        // Five minutes on, the writer's first observation in a new window retires the old one.
        writerClock.Advance(TimeSpan.FromMinutes(5));
        summary.Observe(3);
        await writer.FlushAsync();
        SketchFields(KeyOf(summary), $"q={firstWindow}:").ShouldBe(0);
        SketchFields(KeyOf(summary), $"q={firstWindow + 5}:").ShouldBe(1);

        // A writer that stops (or dies) leaves its window behind: a scrape five minutes later deletes it.
        var reader = NewBackend();
        var registry = new CollectorRegistry();
        var view = On(reader, () => new Summary("rq_age_seconds", "Age", registry: registry, objectives: [0.5],
            maxAge: TimeSpan.FromMinutes(5), ageBuckets: 5));
        view.Family.Clock = new FakeTimeProvider(start + TimeSpan.FromMinutes(10));
        Scrape(registry).ShouldContain("rq_age_seconds{quantile=\"0.5\"} NaN\n");
        await reader.FlushAsync();
        SketchFields(KeyOf(summary), "q=").ShouldBe(0);
        Scrape(registry).ShouldContain("rq_age_seconds_count 3\n");
    }

    [Fact]
    public async Task Removing_a_summary_series_removes_its_sketch_for_every_process()
    {
        var a = NewBackend();
        var b = NewBackend();
        var registry = new CollectorRegistry();
        var onA = On(a, () => new Summary("rq_size_bytes", "Size", ["k"], registry: registry, objectives: [0.5]));
        var onB = On(b, () => new Summary("rq_size_bytes", "Size", ["k"], registry: new CollectorRegistry(), objectives: [0.5]));
        onA.Labels(("k", "x")).Observe(10);
        onB.Labels(("k", "x")).Observe(1000);
        onB.Labels(("k", "x")).Observe(1000);
        onB.Labels(("k", "y")).Observe(5);
        await a.FlushAsync();
        await b.FlushAsync();
        SketchFields(KeyOf(onA), "q=").ShouldBe(3);

        onA.RemoveLabelValues("x").ShouldBeTrue();
        await a.FlushAsync();

        SketchFields(KeyOf(onA), "q=").ShouldBe(1, "only the sketch of k=y is left");
        onA.Labels(("k", "x")).Observe(20);
        var text = Scrape(registry);
        text.ShouldContain("rq_size_bytes_count{k=\"x\"} 1\n");
        Quantiles(text, "rq_size_bytes", "k=\"x\",")[0].ShouldBe(20, 20 * Alpha);
        Quantiles(text, "rq_size_bytes", "k=\"y\",")[0].ShouldBe(5, 5 * Alpha);
    }

    private async Task RunWorkersAsync(IEnumerable<int> seeds, int count, BlockingCollection<string> lines, StringBuilder errors)
    {
        var workers = seeds.Select(seed => WorkerBinary.Start(
            ["sketch", Server.Port.ToString(CultureInfo.InvariantCulture), Prefix, seed.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture)],
            lines, errors)).ToList();
        foreach (var worker in workers)
        {
            (await Task.Run(() => worker.WaitForExit(120_000))).ShouldBeTrue("worker finished");
            string failures;
            lock (errors)
            {
                failures = errors.ToString();
            }
            worker.ExitCode.ShouldBe(0, failures);
            worker.Dispose();
        }
    }

    /// <summary>How many fields of a hash start with <paramref name="prefix"/>.</summary>
    private int SketchFields(string key, string prefix) => int.Parse(Server.Command("EVAL",
        "local n = 0 for _, k in ipairs(redis.call('HKEYS', KEYS[1])) do if string.find(k, ARGV[1], 1, true) == 1 then n = n + 1 end end return n",
        "1", key, prefix).TrimStart(':'), CultureInfo.InvariantCulture);

    /// <summary>The quantile samples of a series in a scrape, in objective order.</summary>
    private static double[] Quantiles(string text, string name, string labels) =>
        [.. Regex.Matches(text, Regex.Escape(name + "{" + labels) + "quantile=\"[^\"]+\"\\} (\\S+)\n")
            .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    /// <summary>|estimate − exact| ≤ α·|exact| for each objective, exact being the observation of rank ⌊q·(n−1)⌋.</summary>
    private static void ShouldBeWithinBound(double[] estimates, IEnumerable<double> data, double[]? objectives = null)
    {
        objectives ??= Objectives;
        estimates.Length.ShouldBe(objectives.Length);
        var sorted = data.Order().ToArray();
        for (var i = 0; i < objectives.Length; i++)
        {
            var exact = sorted[(int)Math.Floor(objectives[i] * (sorted.Length - 1))];
            Math.Abs(estimates[i] - exact).ShouldBeLessThanOrEqualTo(Alpha * Math.Abs(exact) * (1 + 1e-12), $"q={objectives[i]}: exact {exact}, estimate {estimates[i]}");
        }
    }
}
