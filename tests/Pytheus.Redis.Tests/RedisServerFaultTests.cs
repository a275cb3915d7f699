using Pytheus.Backends.Redis;
using Pytheus.Metrics;
using Pytheus.Registry;
using StackExchange.Redis;

namespace Pytheus.Redis.Tests;

/// <summary>
/// Redis's failure vocabulary, each fault really injected into a redis-server of the test's own: the application's
/// calls never throw or wait, the refused batch is kept and resent unchanged, and Redis ends with the exact totals.
/// </summary>
[Collection(RedisFaultCollection.Name)]
public class RedisServerFaultTests(RedisServer server) : RedisTestBase(server)
{
    [Fact]
    public async Task OOM_from_maxmemory_keeps_the_batch_until_memory_is_available()
    {
        using var redis = RedisServer.Create(persistent: false);
        await RefusedWritesAreKeptAndAppliedOnce(redis, "OOM",
            inject: () => redis.Command("CONFIG", "SET", "maxmemory", "1").ShouldBe("+OK"),
            lift: () => redis.Command("CONFIG", "SET", "maxmemory", "0").ShouldBe("+OK"));
    }

    [Fact]
    public async Task NOREPLICAS_from_min_replicas_to_write_keeps_the_batch_until_a_replica_is_attached()
    {
        using var redis = RedisServer.Create(persistent: false);
        using var replica = RedisServer.Create(persistent: false);
        await RefusedWritesAreKeptAndAppliedOnce(redis, "NOREPLICAS",
            inject: () => redis.Command("CONFIG", "SET", "min-replicas-to-write", "1").ShouldBe("+OK"),
            lift: () => replica.ReplicaOf(redis));
    }

    [Fact]
    public async Task MISCONF_from_a_failing_background_save_keeps_the_batch_until_saving_works_again()
    {
        using var redis = RedisServer.Create(persistent: false);
        await RefusedWritesAreKeptAndAppliedOnce(redis, "MISCONF",
            inject: () =>
            {
                redis.Command("CONFIG", "SET", "save", "3600 1").ShouldBe("+OK");
                // Nothing can create a file in /proc, not even root: the next background save fails for real.
                redis.Command("CONFIG", "SET", "dir", "/proc").ShouldBe("+OK");
                BackgroundSave(redis, "err");
            },
            lift: () =>
            {
                redis.Command("CONFIG", "SET", "dir", redis.DataDirectory).ShouldBe("+OK");
                BackgroundSave(redis, "ok");
            });
    }

    [Fact]
    public async Task READONLY_from_a_primary_demoted_by_failover_keeps_the_batch_until_it_is_primary_again()
    {
        using var primary = RedisServer.Create(persistent: false);
        using var replica = RedisServer.Create(persistent: false);
        replica.ReplicaOf(primary);
        await RefusedWritesAreKeptAndAppliedOnce(primary, "READONLY",
            inject: () =>
            {
                // A failover: the replica takes over and the old primary follows it.
                replica.Promote();
                primary.ReplicaOf(replica);
            },
            lift: () =>
            {
                primary.Promote();
                replica.ReplicaOf(primary);
            },
            connectionOptions: ",configCheckSeconds=1");
    }

    [Fact]
    public async Task BUSY_from_a_long_script_keeps_the_batch_until_the_script_is_killed()
    {
        using var redis = RedisServer.Create(persistent: false);
        Task<string>? busy = null;
        await RefusedWritesAreKeptAndAppliedOnce(redis, "BUSY",
            inject: () =>
            {
                redis.Command("CONFIG", "SET", "busy-reply-threshold", "50").ShouldBe("+OK");
                busy = Task.Run(() => redis.Command("EVAL", "while true do end", "0"));
                RedisServer.WaitFor(() => redis.Command("PING").StartsWith("-BUSY", StringComparison.Ordinal), "the server to answer BUSY");
            },
            lift: () =>
            {
                redis.Command("SCRIPT", "KILL").ShouldBe("+OK");
                busy!.Wait(TimeSpan.FromSeconds(20)).ShouldBeTrue();
            });
    }

    [Fact]
    public async Task LOADING_while_the_dataset_is_reloaded_keeps_the_batch_until_loading_ends()
    {
        using var redis = RedisServer.Create(persistent: false);
        Task<string>? reload = null;
        await RefusedWritesAreKeptAndAppliedOnce(redis, "LOADING",
            inject: () =>
            {
                // A dataset that takes a while to load, serving clients (with LOADING) in between.
                redis.Command("DEBUG", "POPULATE", "10000").ShouldBe("+OK");
                redis.Command("CONFIG", "SET", "key-load-delay", "100").ShouldBe("+OK");
                redis.Command("CONFIG", "SET", "loading-process-events-interval-bytes", "1024").ShouldBe("+OK");
                reload = Task.Run(() => redis.Command("DEBUG", "RELOAD"));
                RedisServer.WaitFor(() => redis.Command("PING").StartsWith("-LOADING", StringComparison.Ordinal), "the server to answer LOADING");
            },
            lift: () =>
            {
                reload!.Wait(TimeSpan.FromSeconds(60)).ShouldBeTrue();
                reload.Result.ShouldBe("+OK");
            });
    }

    [Fact]
    public async Task CLIENT_PAUSE_WRITE_delays_the_flush_but_never_the_callers()
    {
        using var redis = RedisServer.Create(persistent: false);
        var backend = NewBackend(o => o.ConnectionString = redis.ConnectionString);
        var scenario = new RedisFaultScenario(backend, "paused");
        scenario.Write(3);
        await backend.FlushAsync();

        redis.Command("CLIENT", "PAUSE", "30000", "WRITE").ShouldBe("+OK");
        scenario.Write(5);
        var flush = backend.FlushAsync();
        scenario.Write(2); // while the flush waits for the paused server
        redis.Command("CLIENT", "UNPAUSE").ShouldBe("+OK");
        await flush;
        await FlushEventually(backend);

        scenario.AssertExact(redis, Prefix);
        backend.Status.DroppedChanges.ShouldBe(0);
    }

    [Fact]
    public async Task A_connection_closed_by_redis_after_applying_a_batch_and_before_replying_does_not_count_it_twice()
    {
        using var redis = RedisServer.Create(persistent: false);
        var backend = NewBackend(o => o.ConnectionString = redis.ConnectionString);
        var registry = new CollectorRegistry();
        var counter = On(backend, () => new Counter("cut_total", "c", ["k"], registry: registry));
        var hot = new HotPath();
        const int series = 2000;
        hot.Run(() =>
        {
            for (var i = 0; i < series; i++)
            {
                counter.WithLabelValues(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
            }
        });
        await backend.FlushAsync();

        // Redis closes a client whose pending output passes the limit right after running its command: the batch is
        // applied, its (large) reply never leaves the server.
        redis.Command("CONFIG", "SET", "client-output-buffer-limit", "normal 1 1 0").ShouldBe("+OK");
        hot.Run(() =>
        {
            for (var i = 0; i < series; i++)
            {
                counter.WithLabelValues(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc(2);
            }
        });
        await Should.ThrowAsync<RedisException>(() => backend.FlushAsync());
        redis.Command("HGET", KeyOf(counter), "v|{\"k\":\"7\"}").ShouldEndWith("\r\n3"); // applied
        redis.Command("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0").ShouldBe("+OK");
        hot.Run(() => counter.WithLabelValues("7").Inc(10));
        await FlushEventually(backend);

        hot.ShouldHaveSeenNoException();
        var text = Scrape(registry);
        for (var i = 0; i < series; i++)
        {
            RedisBackendTests.Value(text, $"cut_total{{k=\"{i}\"}}").ShouldBe(i == 7 ? 13 : 3);
        }
    }

    [Fact]
    public async Task Connections_killed_again_and_again_while_flushing_lose_nothing_and_count_nothing_twice()
    {
        using var redis = RedisServer.Create(persistent: false);
        var backend = NewBackend(o =>
        {
            o.ConnectionString = redis.ConnectionString + ",connectRetry=1";
            o.FlushInterval = TimeSpan.Zero;
        });
        var counter = On(backend, () => new Counter("killed_total", "k", registry: new CollectorRegistry()));
        var stop = false;
        long done = 0, errors = 0;
        var writer = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                try
                {
                    counter.Inc();
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                }
                Interlocked.Increment(ref done);
            }
        });
        writer.Start();
        for (var i = 0; i < 10; i++)
        {
            await Task.Delay(50);
            redis.Command("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
        }
        Volatile.Write(ref stop, true);
        writer.Join();
        await FlushEventually(backend);

        errors.ShouldBe(0);
        backend.Status.FlushFailures.ShouldBeGreaterThan(0);
        var registry = new CollectorRegistry();
        On(NewBackend(o => o.ConnectionString = redis.ConnectionString), () => new Counter("killed_total", "k", registry: registry));
        RedisBackendTests.Value(Scrape(registry), "killed_total").ShouldBe(Interlocked.Read(ref done));
    }

    /// <summary>
    /// Writes, flushes; injects the fault; writes more — the flush fails with <paramref name="code"/> and the status says
    /// so; writes again; lifts the fault; writes and flushes: Redis holds exactly every total, nothing was dropped.
    /// </summary>
    private async Task RefusedWritesAreKeptAndAppliedOnce(RedisServer redis, string code, Action inject, Action lift, string connectionOptions = "")
    {
        var backend = NewBackend(o => o.ConnectionString = redis.ConnectionString + connectionOptions);
        var scenario = new RedisFaultScenario(backend, code.ToLowerInvariant());
        scenario.Write(3);
        await backend.FlushAsync();

        inject();
        scenario.Write(5);
        var refused = await Should.ThrowAsync<RedisException>(() => backend.FlushAsync());
        refused.Message.ShouldStartWith(code);
        backend.Status.LastError!.ShouldContain(code);
        backend.Status.PendingSeries.ShouldBe(4);
        scenario.Write(2);
        lift();
        scenario.Write(1);
        await FlushEventually(backend);

        scenario.AssertExact(redis, Prefix);
        backend.Status.DroppedChanges.ShouldBe(0);
        backend.Status.PendingSeries.ShouldBe(0);
    }

    internal static async Task FlushEventually(RedisBackend backend)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await backend.FlushAsync();
                return;
            }
            catch (Exception e) when (attempt < 200 && e is RedisException or TimeoutException)
            {
                await Task.Delay(100);
            }
        }
    }

    internal static void BackgroundSave(RedisServer redis, string expectedStatus)
    {
        RedisServer.WaitFor(() => redis.Command("INFO", "persistence").Contains("rdb_bgsave_in_progress:0", StringComparison.Ordinal), "no save in progress");
        redis.Command("BGSAVE").ShouldStartWith("+Background saving started");
        RedisServer.WaitFor(() => redis.Command("INFO", "persistence") is var info
            && info.Contains("rdb_bgsave_in_progress:0", StringComparison.Ordinal)
            && info.Contains($"rdb_last_bgsave_status:{expectedStatus}", StringComparison.Ordinal), $"a background save ending '{expectedStatus}'");
    }
}

/// <summary>
/// Tests that inject faults into redis-servers of their own: they run beside the tests of the shared server (another
/// collection), since nothing they do can disturb it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RedisFaultCollection : ICollectionFixture<RedisServer>
{
    public const string Name = "Redis faults";
}
