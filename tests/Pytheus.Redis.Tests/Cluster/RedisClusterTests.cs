using System.Globalization;
using System.Text.RegularExpressions;
using Pytheus.Backends.Redis;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;
using Xunit.Abstractions;

namespace Pytheus.Redis.Tests.Cluster;

/// <summary>The backend against a real Redis Cluster: families spread over the primaries, scrapes fan out, totals are exact.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed partial class RedisClusterTests(RedisCluster cluster, ITestOutputHelper output) : IDisposable
{
    private const int Families = 48;
    private readonly List<RedisBackend> _backends = [];
    private readonly string _prefix = "c" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Many_families_spread_over_the_primaries_and_add_up_exactly()
    {
        var writers = new[] { NewBackend(), NewBackend() };
        foreach (var (writer, index) in writers.Select((w, i) => (w, i)))
        {
            var registry = new CollectorRegistry();
            using (Pytheus.Backends.Backend.BeginScope(writer))
            {
                for (var f = 0; f < Families; f++)
                {
                    var counter = new Counter($"cl_family_{f}_total", "Spread", ["shard"], registry: registry);
                    counter.Labels(("shard", "a")).Inc(f + 1);
                    counter.Labels(("shard", "w" + index)).Inc(2);
                }
                var latency = new Histogram("cl_latency_seconds", "Latency", ["w"], buckets: [0.5], registry: registry);
                latency.Labels(("w", "x")).Observe(0.25);
                latency.Labels(("w", "x")).Observe(4);
            }
            await writer.FlushAsync();
        }

        var primaries = cluster.Primaries;
        var keysPerPrimary = primaries.Select(p => KeysOf(p).Count).ToList();
        output.WriteLine("keys per primary: " + string.Join(", ", keysPerPrimary));
        keysPerPrimary.Count(n => n > 0).ShouldBeGreaterThanOrEqualTo(2);
        keysPerPrimary.Sum().ShouldBe(2 * (Families + 1)); // a data hash and a definitions hash per family

        var readRegistry = new CollectorRegistry();
        using (Pytheus.Backends.Backend.BeginScope(NewBackend()))
        {
            for (var f = 0; f < Families; f++)
            {
                new Counter($"cl_family_{f}_total", "Spread", ["shard"], registry: readRegistry);
            }
            new Histogram("cl_latency_seconds", "Latency", ["w"], buckets: [0.5], registry: readRegistry);
        }
        foreach (var primary in primaries)
        {
            primary.Command("CONFIG", "RESETSTAT").ShouldBe("+OK");
        }
        var text = await MetricsExposition.GenerateMetricsAsync(readRegistry);

        for (var f = 0; f < Families; f++)
        {
            RedisBackendTests.Value(text, $"cl_family_{f}_total{{shard=\"a\"}}").ShouldBe(2 * (f + 1));
            RedisBackendTests.Value(text, $"cl_family_{f}_total{{shard=\"w0\"}}").ShouldBe(2);
            RedisBackendTests.Value(text, $"cl_family_{f}_total{{shard=\"w1\"}}").ShouldBe(2);
        }
        RedisBackendTests.Value(text, "cl_latency_seconds_bucket{w=\"x\",le=\"0.5\"}").ShouldBe(2);
        RedisBackendTests.Value(text, "cl_latency_seconds_bucket{w=\"x\",le=\"+Inf\"}").ShouldBe(4);
        RedisBackendTests.Value(text, "cl_latency_seconds_count{w=\"x\"}").ShouldBe(4);

        // The scrape read each family from the primary serving its slot, not through one node.
        var reads = primaries.Select(p => HashGetAllCalls(p)).ToList();
        var expected = primaries.Select(p => Enumerable.Range(0, Families).Select(f => $"cl_family_{f}_total").Append("cl_latency_seconds")
            .LongCount(name => cluster.PrimaryOf(cluster.SlotOf("{" + name + "}")) == p)).ToList();
        output.WriteLine($"HGETALL per primary: {string.Join(", ", reads)} (families served: {string.Join(", ", expected)})");
        reads.ShouldBe(expected);
    }

    public void Dispose()
    {
        _backends.ForEach(b => b.Dispose());
    }

    private RedisBackend NewBackend(string? connectionString = null)
    {
        var backend = new RedisBackend(new RedisBackendOptions
        {
            ConnectionString = connectionString ?? cluster.ConnectionString,
            KeyPrefix = _prefix,
            FlushInterval = TimeSpan.FromHours(1),
            ScrapeTimeout = TimeSpan.FromSeconds(15),
        });
        _backends.Add(backend);
        return backend;
    }

    private List<string> KeysOf(RedisServer primary) =>
        primary.Command("KEYS", _prefix + ":{cl_*").Split("\r\n").Where(l => l.StartsWith(_prefix, StringComparison.Ordinal)).ToList();

    private static long HashGetAllCalls(RedisServer primary) =>
        HashGetAllStat().Match(primary.Command("INFO", "commandstats")) is { Success: true } m
            ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
            : 0;

    [GeneratedRegex(@"cmdstat_hgetall:calls=(\d+)")]
    private static partial Regex HashGetAllStat();
}
