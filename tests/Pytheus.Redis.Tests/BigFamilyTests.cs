using System.Globalization;
using System.Text.RegularExpressions;
using Pytheus.Backends.Redis;
using Pytheus.Metrics;
using Pytheus.Registry;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Pytheus.Redis.Tests;

/// <summary>
/// A family of 200,000 histogram series is flushed and read in chunks: no command asks much of Redis (every command is
/// checked in its SLOWLOG, with the threshold at 0), every scrape — even one racing a chunked flush — has <c>_count</c> equal to <c>+Inf</c> and whole
/// series, and a connection killed in the middle of a chunked flush neither loses nor doubles anything.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed partial class BigFamilyTests(RedisServer server, ITestOutputHelper output) : RedisTestBase(server)
{
    private const int Series = 200_000;

    // A bound on waiting, not a timing assertion: a 200,000-series scrape takes ~2 s alone and far more on a loaded machine.
    private static readonly TimeSpan BigScrapeTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_family_of_200000_series_is_flushed_and_read_in_chunks_that_never_keep_redis_busy()
    {
        using var redis = RedisServer.Create(persistent: false);
        // Every command is logged with its arguments: what each one asked of Redis is checked below, deterministically.
        // (Its duration is reported, not asserted: on a loaded machine the clock measures the scheduler too.)
        redis.Command("CONFIG", "SET", "slowlog-log-slower-than", "0").ShouldBe("+OK");
        redis.Command("CONFIG", "SET", "slowlog-max-len", "1000000").ShouldBe("+OK");
        redis.Command("SLOWLOG", "RESET").ShouldBe("+OK");
        var writer = NewBackend(o => (o.ConnectionString, o.ScrapeTimeout) = (redis.ConnectionString, BigScrapeTimeout));
        var histogram = On(writer, () => new Histogram("big_seconds", "Big", ["id"], buckets: [1], registry: new CollectorRegistry(), seriesLimit: Series));
        var children = Enumerable.Range(0, Series).Select(i => histogram.Labels(("id", i.ToString("D6", CultureInfo.InvariantCulture)))).ToArray();
        var readerRegistry = new CollectorRegistry();
        On(NewBackend(o => (o.ConnectionString, o.ScrapeTimeout) = (redis.ConnectionString, BigScrapeTimeout)), () => new Histogram("big_seconds", "Big", ["id"], buckets: [1], registry: readerRegistry, seriesLimit: Series));

        var racing = 0;
        for (var round = 1; round <= 2; round++)
        {
            foreach (var child in children)
            {
                child.Observe(0.5);
            }
            var flush = writer.FlushAsync();
            if (round == 2)
            {
                // Another process scrapes while this one flushes 400,000 changed fields in chunks.
                AssertWholeSeries(Scrape(readerRegistry), maxCount: round);
                racing += flush.IsCompleted ? 0 : 1;
            }
            await flush;
        }

        var final = Scrape(readerRegistry);
        AssertWholeSeries(final, maxCount: 2);
        CountLines().Matches(final).Count.ShouldBe(Series);
        CountLines().Matches(final).All(m => m.Groups[2].Value == "2").ShouldBeTrue();
        RedisBackendTests.Value(final, "big_seconds_sum{id=\"123456\"}").ShouldBe(1);
        output.WriteLine($"scrapes that raced a chunked flush: {racing} of 1");

        var key = KeyOf(histogram);
        using var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        var log = await admin.GetServer(admin.GetEndPoints()[0]).SlowlogGetAsync(1_000_000);
        var flushes = log.Where(e => IsScript(e) && (string?)e.Arguments[3] == key && e.Arguments.Length > 7 && (string?)e.Arguments[7] != "le=1").ToList();
        var reads = log.Where(e => IsScript(e) && (string?)e.Arguments[3] == key && e.Arguments.Length > 7 && (string?)e.Arguments[7] == "le=1").ToList();
        output.WriteLine($"{log.Length} commands; {flushes.Count} flush batches of the family, slowest {Slowest(flushes)}; " +
            $"{reads.Count} read chunks, slowest {Slowest(reads)}; slowest of all {Slowest(log)} ({Name(log.MaxBy(e => e.Duration)!)})");
        // Round 1 sends three numbers per series (all new), round 2 two (the +Inf bucket is stored non-cumulative).
        flushes.Count.ShouldBeGreaterThanOrEqualTo(5 * Series / RedisBatchProtocol.ChunkFields);
        // EVALSHA sha 2 <key> <definitions key>, then 11 fixed arguments and a field/value pair per number.
        flushes.ShouldAllBe(e => ArgumentCount(e) <= 5 + RedisScripts.FixedArguments + 2 * RedisBatchProtocol.ChunkFields);
        reads.Count.ShouldBeGreaterThanOrEqualTo(2 * 3 * Series / ChunkedHashRead.ChunkFields / 2);
        reads.ShouldAllBe(e => (string?)e.Arguments[5] == ChunkedHashRead.ChunkFields.ToString(CultureInfo.InvariantCulture));
        // Whole reads (HGETALL, also inside the read script, whose commands the log lists too) only of small hashes:
        // never of this one, which every scrape found big.
        log.ShouldNotContain(e => (string?)e.Arguments[0] == "HGETALL" && (string?)e.Arguments[1] == key);
    }

    private static bool IsScript(CommandTrace entry) => (string?)entry.Arguments[0] is "EVALSHA" or "EVAL";

    private static string Name(CommandTrace entry) => string.Join(' ', entry.Arguments.Take(2));

    /// <summary>The slowest and the median duration.</summary>
    private static string Slowest(IEnumerable<CommandTrace> entries)
    {
        var durations = entries.Select(e => e.Duration.TotalMilliseconds).Order().DefaultIfEmpty().ToList();
        return string.Create(CultureInfo.InvariantCulture, $"{durations[^1]:F1} ms (median {durations[durations.Count / 2]:F2} ms)");
    }

    /// <summary>The command's argument count: the slow log keeps 31 and then "... (N more arguments)".</summary>
    private static int ArgumentCount(CommandTrace entry) =>
        entry.Arguments.Length == 32 && MoreArguments().Match((string?)entry.Arguments[31] ?? string.Empty) is { Success: true } more
            ? 31 + int.Parse(more.Groups[1].Value, CultureInfo.InvariantCulture)
            : entry.Arguments.Length;

    [GeneratedRegex(@"^\.\.\. \((\d+) more arguments\)$")]
    private static partial Regex MoreArguments();

    [Fact]
    public async Task Connections_killed_during_a_chunked_flush_lose_nothing_and_count_nothing_twice()
    {
        using var redis = RedisServer.Create(persistent: false);
        var writer = NewBackend(o => (o.ConnectionString, o.ScrapeTimeout) = (redis.ConnectionString + ",connectRetry=1", BigScrapeTimeout));
        const int series = 10_000;
        var counter = On(writer, () => new Counter("chunked_total", "Chunked", ["id"], registry: new CollectorRegistry(), seriesLimit: series));
        var children = Enumerable.Range(0, series).Select(i => counter.Labels(("id", i.ToString("D5", CultureInfo.InvariantCulture)))).ToArray();
        var lost = 0;
        // The reply of the third batch (a chunk in the middle) is lost once after Redis applied it: resent, not re-applied.
        writer.LoseReplyAfterApply = (_, sequence) => sequence == 3 && Interlocked.Increment(ref lost) == 1;
        for (var round = 1; round <= 2; round++)
        {
            foreach (var child in children)
            {
                child.Inc(round);
            }
            var flush = RedisServerFaultTests.FlushEventually(writer);
            while (!flush.IsCompleted)
            {
                redis.Command("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
                await Task.Delay(5);
            }
            await flush;
        }

        lost.ShouldBeGreaterThan(0);
        output.WriteLine($"flush failures: {writer.Status.FlushFailures}");
        var registry = new CollectorRegistry();
        On(NewBackend(o => (o.ConnectionString, o.ScrapeTimeout) = (redis.ConnectionString, BigScrapeTimeout)), () => new Counter("chunked_total", "Chunked", ["id"], registry: registry, seriesLimit: series));
        var text = Scrape(registry);
        var values = CounterLines().Matches(text).Select(m => m.Groups[1].Value).ToList();
        values.Count.ShouldBe(series);
        values.ShouldAllBe(v => v == "3");
    }

    [Fact]
    public async Task A_big_family_read_in_chunks_keeps_the_fields_outside_the_fixed_layout()
    {
        // A summary with objectives keeps its quantile sketch in fields of its own (q=…), which exist or not per series:
        // 3,000 series with sketch buckets are far over the 10,000 fields read whole, so the scrape reads in chunks.
        static Summary Write(Pytheus.Backends.IBackend backend, CollectorRegistry registry)
        {
            using (Pytheus.Backends.Backend.BeginScope(backend))
            {
                var summary = new Summary("big_payload_bytes", "Payload", ["id"], registry: registry, seriesLimit: 3_000, objectives: [0.5, 0.9]);
                for (var i = 0; i < 3_000; i++)
                {
                    var child = summary.Labels(("id", i.ToString("D4", CultureInfo.InvariantCulture)));
                    child.Observe(i % 7);
                    child.Observe(100 + i);
                    child.Observe(10_000 + i);
                }
                return summary;
            }
        }
        var inProcess = new CollectorRegistry();
        Write(new Pytheus.Backends.InProcess.InProcessBackend(), inProcess);
        var redis = new CollectorRegistry();
        var backend = NewBackend();
        var written = Write(backend, redis);
        await backend.FlushAsync();
        int.Parse(Server.Command("HLEN", KeyOf(written)).TrimStart(':'), CultureInfo.InvariantCulture).ShouldBeGreaterThan(ChunkedHashRead.WholeReadLimit);

        // A second process reads it (in chunks: it never read it before, and it is big), twice.
        var reader = new CollectorRegistry();
        On(NewBackend(), () => new Summary("big_payload_bytes", "Payload", ["id"], registry: reader, seriesLimit: 3_000, objectives: [0.5, 0.9]));
        Scrape(reader).ShouldBe(Scrape(inProcess));
        Scrape(reader).ShouldBe(Scrape(inProcess));
    }

    /// <summary>Every series' <c>_count</c> equals its <c>+Inf</c> bucket, and no series has more observations than were made.</summary>
    private static void AssertWholeSeries(string text, int maxCount)
    {
        var infs = InfLines().Matches(text).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var counts = CountLines().Matches(text).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        infs.Count.ShouldBe(counts.Count);
        foreach (var (id, count) in counts)
        {
            infs[id].ShouldBe(count, $"series {id}");
            double.Parse(count, CultureInfo.InvariantCulture).ShouldBeLessThanOrEqualTo(maxCount);
        }
    }

    [GeneratedRegex(@"^big_seconds_bucket\{id=""(\d+)"",le=""\+Inf""\} (\S+)$", RegexOptions.Multiline)]
    private static partial Regex InfLines();

    [GeneratedRegex(@"^big_seconds_count\{id=""(\d+)""\} (\S+)$", RegexOptions.Multiline)]
    private static partial Regex CountLines();

    [GeneratedRegex(@"^chunked_total\{id=""\d+""\} (\S+)$", RegexOptions.Multiline)]
    private static partial Regex CounterLines();
}
