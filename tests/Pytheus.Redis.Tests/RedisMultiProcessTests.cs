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
        using var worker = new Worker(Server.Port, Prefix, "term", 2, flushIntervalMs: 3_600_000);
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

    private async Task<List<WorkerResult>> RunWorkers(RedisServer redis, Func<List<Worker>, Task> during)
    {
        var workers = Enumerable.Range(0, Workers).Select(i => new Worker(redis.Port, Prefix, i.ToString(CultureInfo.InvariantCulture), ThreadsPerWorker)).ToList();
        try
        {
            foreach (var worker in workers)
            {
                worker.ReadLine().ShouldBe("ready", worker.Diagnostics);
            }
            await during(workers);
            workers.ForEach(w => w.Send("stop"));
            return workers.Select(w => w.Finish()).ToList();
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }
    }

    private void AssertTotals(RedisServer redis, List<WorkerResult> results)
    {
        foreach (var result in results)
        {
            output.WriteLine(result.Line);
            result.Errors.ShouldBe(0, result.Line);
            result.BadScrapes.ShouldBe(0, result.Line);
            result.Scrapes.ShouldBeGreaterThan(0, result.Line);
            result.Pending.ShouldBe(0, result.Line);
        }
        var reader = NewBackend(o => o.ConnectionString = redis.ConnectionString);
        var registry = new CollectorRegistry();
        using (Pytheus.Backends.Backend.BeginScope(reader))
        {
            new Counter("mp_requests_total", "Requests", ["route"], registry: registry);
            new Histogram("mp_latency_seconds", "Latency", ["route"], buckets: [0.1, 1], registry: registry);
            new Gauge("mp_inflight", "Summed gauge", registry: registry, mode: GaugeMode.Sum);
            new Summary("mp_payload_bytes", "Payload", ["route"], registry: registry);
        }
        var text = Scrape(registry);
        var threadOps = results.SelectMany(r => r.ThreadOps).ToList();
        long total = threadOps.Sum();
        long c0 = threadOps.Sum(n => (n + 2) / 3), c1 = threadOps.Sum(n => (n + 1) / 3), c2 = threadOps.Sum(n => n / 3);

        total.ShouldBeGreaterThan(0);
        RedisBackendTests.Value(text, "mp_requests_total{route=\"shared\"}").ShouldBe(total);
        foreach (var result in results)
        {
            RedisBackendTests.Value(text, $"mp_requests_total{{route=\"w{result.Id}\"}}").ShouldBe(2 * result.ThreadOps.Sum());
        }
        RedisBackendTests.Value(text, "mp_latency_seconds_bucket{route=\"shared\",le=\"0.1\"}").ShouldBe(c0);
        RedisBackendTests.Value(text, "mp_latency_seconds_bucket{route=\"shared\",le=\"1\"}").ShouldBe(c0 + c1);
        RedisBackendTests.Value(text, "mp_latency_seconds_bucket{route=\"shared\",le=\"+Inf\"}").ShouldBe(total);
        RedisBackendTests.Value(text, "mp_latency_seconds_count{route=\"shared\"}").ShouldBe(total);
        RedisBackendTests.Value(text, "mp_latency_seconds_sum{route=\"shared\"}").ShouldBe(0.0625 * c0 + 0.5 * c1 + 4 * c2);
        RedisBackendTests.Value(text, "mp_inflight").ShouldBe(total);
        RedisBackendTests.Value(text, "mp_payload_bytes_count{route=\"shared\"}").ShouldBe(total);
        RedisBackendTests.Value(text, "mp_payload_bytes_sum{route=\"shared\"}").ShouldBe(total);
    }

    private sealed record WorkerResult(string Id, long[] ThreadOps, long Errors, long Scrapes, long BadScrapes, double Pending, long Resends, string Line);

    private sealed class Worker : IDisposable
    {
        private readonly Process _process;
        private readonly BlockingCollection<string> _lines = [];
        private readonly StringBuilder _errors = new();
        private readonly string _id;

        public Worker(int port, string prefix, string id, int threads, int flushIntervalMs = 50)
        {
            _id = id;
            _process = WorkerBinary.Start(
                [port.ToString(CultureInfo.InvariantCulture), prefix, id, threads.ToString(CultureInfo.InvariantCulture), flushIntervalMs.ToString(CultureInfo.InvariantCulture)],
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
                line);
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
}

/// <summary>The multi-process tests have a server of their own and run beside the other Redis tests.</summary>
[CollectionDefinition(Name)]
public sealed class RedisMultiProcessCollection : ICollectionFixture<RedisServer>
{
    public const string Name = "Redis multi-process";
}
