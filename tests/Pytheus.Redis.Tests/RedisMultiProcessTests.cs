using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Pytheus.Metrics;
using Pytheus.Registry;
using Xunit.Abstractions;

namespace Pytheus.Redis.Tests;

/// <summary>
/// Four child processes (tests/Pytheus.RedisWorker) × three threads write shared and per-process series to one Redis
/// while scraping it; afterwards one scrape must show the exact totals they report.
/// </summary>
[Collection(RedisMultiProcessCollection.Name)]
public partial class RedisMultiProcessTests(RedisServer server, ITestOutputHelper output) : RedisTestBase(server)
{
    private const int Workers = 4;
    private const int ThreadsPerWorker = 3;

    [Fact]
    public async Task Four_processes_produce_exact_totals_and_well_formed_scrapes()
    {
        var results = await RunWorkers(Server, during: async _ => await Task.Delay(1500));
        AssertTotals(Server, results);
    }

    [Fact]
    public async Task Redis_killed_and_restarted_mid_run_loses_nothing_and_never_slows_the_callers()
    {
        using var redis = new RedisServer();
        long completedWhileDown = 0;
        var results = await RunWorkers(redis, during: async workers =>
        {
            await Task.Delay(700);
            var beforeKill = workers.Sum(w => w.Mark());
            redis.Kill();
            await Task.Delay(1000);
            completedWhileDown = workers.Sum(w => w.Mark()) - beforeKill;
            redis.Start();
            await Task.Delay(2000);
        });

        // One round trip per call (pytheus) would complete nothing while Redis is down; here callers never wait on it.
        output.WriteLine($"calls completed while Redis was down: {completedWhileDown}");
        completedWhileDown.ShouldBeGreaterThan(100_000);
        AssertTotals(redis, results);
    }

    [Fact]
    public async Task Sigterm_flushes_what_the_process_had_pending()
    {
        // A flush interval of an hour: only scrapes and the exit flush write to Redis.
        using var worker = new Worker(Server.Port.ToString(CultureInfo.InvariantCulture), Prefix, "term", 2, flushIntervalMs: 3_600_000);
        worker.ReadLine().ShouldBe("ready", worker.Diagnostics);
        await Task.Delay(300);
        worker.Send("quiesce");
        var line = worker.ReadLine();
        line.ShouldStartWith("quiesced ", customMessage: worker.Diagnostics);
        line.ShouldEndWith(" errors=0");
        var ops = line.Split(' ')[1].Split(',').Select(n => long.Parse(n, CultureInfo.InvariantCulture)).ToArray();

        worker.Terminate();

        var reader = NewBackend();
        var registry = new CollectorRegistry();
        using (Pytheus.Backends.Backend.BeginScope(reader))
        {
            new Counter("mp_requests_total", "Requests", ["route"], registry: registry);
        }
        var text = Scrape(registry);
        RedisBackendTests.Value(text, "mp_requests_total{route=\"shared\"}").ShouldBe(ops.Sum());
        RedisBackendTests.Value(text, "mp_requests_total{route=\"wterm\"}").ShouldBe(2 * ops.Sum());
    }

    private Task<List<WorkerResult>> RunWorkers(RedisServer redis, Func<List<Worker>, Task> during) =>
        WorkerRuns.RunAsync(redis.Port.ToString(CultureInfo.InvariantCulture), Prefix, Workers, ThreadsPerWorker, during);

    private void AssertTotals(RedisServer redis, List<WorkerResult> results) =>
        WorkerRuns.AssertTotals(NewBackend(o => o.ConnectionString = redis.ConnectionString), results, output);
}

/// <summary>The multi-process tests have a server of their own and run beside the other Redis tests.</summary>
[CollectionDefinition(Name)]
public sealed class RedisMultiProcessCollection : ICollectionFixture<RedisServer>
{
    public const string Name = "Redis multi-process";
}
