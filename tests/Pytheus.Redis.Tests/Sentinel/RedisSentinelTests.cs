using System.Diagnostics;
using Pytheus.Backends;
using Pytheus.Backends.Redis;
using Xunit.Abstractions;

namespace Pytheus.Redis.Tests.Sentinel;

/// <summary>The backend behind Redis Sentinel: it connects by service name and follows the primary through a failover.</summary>
public sealed class RedisSentinelTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Processes_follow_the_replica_promoted_after_the_primary_is_killed_and_end_with_exact_totals()
    {
        using var sentinel = new RedisSentinel();
        var prefix = "s" + Guid.NewGuid().ToString("N")[..12];
        var progress = new List<long>();
        var failover = TimeSpan.Zero;
        var results = await WorkerRuns.RunAsync(sentinel.ConnectionString, prefix, workers: 3, threadsPerWorker: 2, during: async workers =>
        {
            await Task.Delay(700);
            progress.Add(workers.Sum(w => w.Mark()));
            var old = sentinel.Primary;
            var replica = sentinel.Servers.Single(s => s != old);
            // Async replication's loss, made certain: the replica is cut off (and cannot reconnect: it now offers the
            // primary a password it does not have), the primary acknowledges writes the replica never receives, then dies.
            replica.Command("CONFIG", "SET", "masterauth", "not-the-password").ShouldBe("+OK");
            old.Command("CLIENT", "KILL", "TYPE", "replica").ShouldNotBe(":0");
            var cutOff = ReplicationOffset(old);
            await Task.Run(() => RedisServer.WaitFor(() => ReplicationOffset(old) > cutOff + 200, "writes after the replica was cut off"));
            var clock = Stopwatch.StartNew();
            old.Kill();
            await Task.Run(() => sentinel.WaitForPrimary(replica));
            failover = clock.Elapsed;
            progress.Add(workers.Sum(w => w.Mark()));
            await Task.Delay(1500);
            progress.Add(workers.Sum(w => w.Mark()));
        });

        output.WriteLine($"primary killed → replica promoted by the sentinels: {failover.TotalMilliseconds:F0} ms (down-after {RedisSentinel.DownAfter.TotalMilliseconds} ms)");
        output.WriteLine("operations done at each step: " + string.Join(", ", progress));
        // The callers kept going while there was no primary at all.
        progress.ShouldBeInOrder(SortDirection.Ascending);
        progress.Distinct().Count().ShouldBe(progress.Count);

        // The reader names the service in the backend config, the sentinels in its connection string.
        var sentinels = sentinel.ConnectionString.Split(",serviceName=")[0];
        using var reader = new RedisBackend(BackendConfig.FromJson($$"""
            { "connection_string": "{{sentinels}},connectTimeout=5000,asyncTimeout=10000", "service_name": "{{RedisSentinel.ServiceName}}",
              "key_prefix": "{{prefix}}", "flush_interval_ms": 3600000, "scrape_timeout_ms": 15000 }
            """));
        WorkerRuns.AssertTotals(reader, results, output);
        // The workers whose confirmed batches were lost found that Redis had gone back in time (their sequence behind
        // what the dead primary confirmed) and re-sent what they hold: the totals above are exact in spite of it.
        results.Sum(r => r.Resends).ShouldBeGreaterThan(0);
    }

    private static long ReplicationOffset(RedisServer server)
    {
        var info = server.Command("INFO", "replication");
        var start = info.IndexOf("master_repl_offset:", StringComparison.Ordinal) + "master_repl_offset:".Length;
        return long.Parse(info[start..info.IndexOf('\r', start)], System.Globalization.CultureInfo.InvariantCulture);
    }
}
