using System.Globalization;
using Pytheus.Tests.Shared;

namespace Pytheus.Compat.PrometheusNet.Tests.Redis;

/// <summary>
/// The flagship scenario: several copies of a prometheus-net program, each with PatchClient() and the Redis backend
/// chosen by environment, write to one real redis-server; any process's scrape shows the exact totals of all.
/// </summary>
public sealed class RedisMultiProcessTests : IDisposable
{
    private const int Calls = 200_000;
    private readonly RedisServer _redis = new();

    [Fact]
    public async Task Three_patched_processes_share_one_set_of_series_with_exact_totals()
    {
        using var config = await WorkerRedisConfig.CreateAsync(_redis, "compat");
        (string, string)[] Environment(string worker) => config.Environment(("WORKER_ID", worker));

        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => LegacyWorker.RunAsync(["load", Calls.ToString(CultureInfo.InvariantCulture)], Environment(i.ToString(CultureInfo.InvariantCulture)))));
        var scrape = await LegacyWorker.RunAsync(["scrape"], Environment("scraper"));

        // Each worker: 2 threads x Calls on the shared series, on its own series, and observations.
        scrape.ShouldContain($"mp_calls_total{{worker=\"all\"}} {Format(3 * 2 * Calls)}\n");
        foreach (var worker in new[] { "w0", "w1", "w2" })
        {
            scrape.ShouldContain($"mp_calls_total{{worker=\"{worker}\"}} {Format(2 * Calls)}\n");
        }
        scrape.ShouldContain($"mp_latency_seconds_bucket{{le=\"+Inf\"}} {Format(3 * 2 * Calls)}\n");
        scrape.ShouldContain($"mp_latency_seconds_count {Format(3 * 2 * Calls)}\n");
        // HotLoops.Observe observes i % 10: only the zeros fall in le="0.1".
        scrape.ShouldContain($"mp_latency_seconds_bucket{{le=\"0.1\"}} {Format(3 * 2 * Calls / 10)}\n");
    }

    private static string Format(double value) => ActiveStrategy.Format(value);

    public void Dispose() => _redis.Dispose();
}
