using System.Globalization;
using Pytheus.Backends.Redis;
using Xunit.Abstractions;

namespace Pytheus.Redis.Tests.Cluster;

/// <summary>
/// Processes writing and scraping through a cluster whose topology changes under them: a slot moved key by key
/// (<c>ASK</c>, <c>TRYAGAIN</c>, then <c>MOVED</c>), and a primary failed over to its replica and killed.
/// Each test starts a cluster of its own, since it leaves the topology changed.
/// </summary>
public sealed class RedisClusterFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Processes_writing_through_a_slot_move_and_a_failover_end_with_exact_totals()
    {
        using var cluster = new RedisCluster();
        var prefix = "f" + Guid.NewGuid().ToString("N")[..12];
        var progress = new List<long>();
        var redirections = string.Empty;
        var results = await WorkerRuns.RunAsync(cluster.ConnectionString, prefix, workers: 3, threadsPerWorker: 2, during: async workers =>
        {
            await Task.Delay(700);
            progress.Add(workers.Sum(w => w.Mark()));

            // The counter family moves to another primary key by key while the workers flush and scrape it.
            var requests = cluster.SlotOf("{mp_requests_total}");
            var source = cluster.PrimaryOf(requests);
            var target = cluster.Primaries.First(p => p != source);
            await Task.Run(() => cluster.MoveSlot(requests, target, TimeSpan.FromMilliseconds(200)));
            cluster.PrimaryOf(requests).ShouldBe(target);
            redirections = Redirections(source) + " / new primary: " + Redirections(target);
            progress.Add(workers.Sum(w => w.Mark()));

            // The histogram's primary hands over to its replica (CLUSTER FAILOVER), then dies.
            var latency = cluster.SlotOf("{mp_latency_seconds}");
            var old = cluster.PrimaryOf(latency);
            var replica = cluster.ReplicaOf(old);
            await Task.Run(() => cluster.FailOver(replica));
            old.Kill();
            cluster.PrimaryOf(latency).ShouldBe(replica);
            progress.Add(workers.Sum(w => w.Mark()));
            await Task.Delay(1500);
            progress.Add(workers.Sum(w => w.Mark()));
        });

        output.WriteLine("operations done at each step: " + string.Join(", ", progress));
        output.WriteLine("errors answered by the slot's old primary: " + redirections);
        // The callers never waited on the topology changes: they kept going through each of them.
        progress.ShouldBeInOrder(SortDirection.Ascending);
        progress.Distinct().Count().ShouldBe(progress.Count);
        redirections.ShouldContain("errorstat_ASK");

        using var reader = new RedisBackend(new RedisBackendOptions
        {
            ConnectionString = cluster.ConnectionString,
            KeyPrefix = prefix,
            FlushInterval = TimeSpan.FromHours(1),
            ScrapeTimeout = TimeSpan.FromSeconds(15),
        });
        WorkerRuns.AssertTotals(reader, results, output);
    }

    private static string Redirections(RedisServer node) =>
        string.Join(' ', node.Command("INFO", "errorstats").Split("\r\n").Where(l => l.StartsWith("errorstat_", StringComparison.Ordinal)));
}
