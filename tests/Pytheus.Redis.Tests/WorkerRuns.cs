using System.Globalization;
using Pytheus.Backends.Redis;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;
using Xunit.Abstractions;

namespace Pytheus.Redis.Tests;

/// <summary>Runs several <see cref="Worker"/> processes against one Redis (a server, a cluster, a sentinel's service) and checks their totals.</summary>
internal static class WorkerRuns
{
    /// <summary>Starts the workers, runs <paramref name="during"/> while they write, stops them and returns what they report.</summary>
    public static async Task<List<WorkerResult>> RunAsync(
        string server, string prefix, int workers, int threadsPerWorker, Func<List<Worker>, Task> during, int flushIntervalMs = 50)
    {
        var running = new List<Worker>();
        try
        {
            for (var i = 0; i < workers; i++)
            {
                running.Add(new Worker(server, prefix, i.ToString(CultureInfo.InvariantCulture), threadsPerWorker, flushIntervalMs));
            }
            foreach (var worker in running)
            {
                worker.ReadLine().ShouldBe("ready", worker.Diagnostics);
            }
            await during(running);
            running.ForEach(w => w.Send("stop"));
            return running.Select(w => w.Finish()).ToList();
        }
        finally
        {
            running.ForEach(w => w.Dispose());
        }
    }

    /// <summary>
    /// Every worker ended clean (no caller exception, no malformed scrape, nothing pending), and a scrape through
    /// <paramref name="reader"/> shows exactly the operations they report.
    /// </summary>
    public static void AssertTotals(RedisBackend reader, List<WorkerResult> results, ITestOutputHelper output)
    {
        foreach (var result in results)
        {
            output.WriteLine(result.Line);
            result.Errors.ShouldBe(0, result.Line);
            result.BadScrapes.ShouldBe(0, result.Line);
            result.Scrapes.ShouldBeGreaterThan(0, result.Line);
            result.Pending.ShouldBe(0, result.Line);
        }
        var registry = new CollectorRegistry();
        using (Pytheus.Backends.Backend.BeginScope(reader))
        {
            new Counter("mp_requests_total", "Requests", ["route"], registry: registry);
            new Histogram("mp_latency_seconds", "Latency", ["route"], buckets: [0.1, 1], registry: registry);
            new Gauge("mp_inflight", "Summed gauge", registry: registry, mode: GaugeMode.Sum);
            new Summary("mp_payload_bytes", "Payload", ["route"], registry: registry);
        }
        var text = MetricsExposition.GenerateMetricsAsync(registry).GetAwaiter().GetResult();
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
}
