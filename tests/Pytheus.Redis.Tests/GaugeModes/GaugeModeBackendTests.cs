using System.Diagnostics;
using Pytheus.Backends;
using Pytheus.Backends.Redis;
using Pytheus.Metrics;
using Pytheus.Registry;
using StackExchange.Redis;

namespace Pytheus.Redis.Tests.GaugeModes;

/// <summary>Per-writer gauges and writer liveness with many backends (each a writer) in this process, on a real Redis.</summary>
[Collection(RedisCollection.Name)]
public class GaugeModeBackendTests(RedisServer server) : RedisTestBase(server)
{
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Get_is_the_writers_own_value_and_the_scrape_combines_all_writers()
    {
        var registry = new CollectorRegistry();
        var b1 = NewBackend();
        var b2 = NewBackend();
        var g1 = On(b1, () => new Gauge("pool_in_use", "In use", registry: registry));
        var g2 = On(b2, () => new Gauge("pool_in_use", "In use", registry: new CollectorRegistry()));

        g1.Set(5);
        g2.Set(7);
        g2.Dec();
        await b2.FlushAsync();

        g1.Get().ShouldBe(5);
        g2.Get().ShouldBe(6);
        Scrape(registry).ShouldBe("# HELP pool_in_use In use\n# TYPE pool_in_use gauge\npool_in_use 11\n");
    }

    [Fact]
    public async Task Hundreds_of_short_lived_writers_leave_nothing_behind_in_redis()
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(Server.ConnectionString);
        void Quick(RedisBackendOptions o)
        {
            o.Connection = connection;
            o.FlushInterval = TimeSpan.FromMilliseconds(50);
            o.LivenessGrace = TimeSpan.Zero;
            o.DeadWriterRetention = TimeSpan.Zero;
        }
        const int Writers = 200;
        for (var i = 0; i < Writers; i++)
        {
            var backend = NewBackend(Quick);
            On(backend, () => new Gauge("churn_depth", "Depth", ["queue"], registry: new CollectorRegistry(), mode: GaugeMode.Sum))
                .Labels(("queue", "q" + (i % 7))).Set(1);
            On(backend, () => new Counter("churn_total", "Work", registry: new CollectorRegistry())).Inc();
            await backend.FlushAsync();
            await backend.DisposeAsync();
        }
        var survivor = NewBackend(Quick);
        var registry = new CollectorRegistry();
        On(survivor, () => new Gauge("churn_depth", "Depth", ["queue"], registry: registry, mode: GaugeMode.Sum)).Labels(("queue", "mine")).Set(2);

        var keys = Until(() =>
        {
            var left = connection.GetServer(connection.GetEndPoints()[0]).Keys(pattern: Prefix + "*").Select(k => (string)k!)
                .Where(k => !k.Contains("{churn_total}", StringComparison.Ordinal)).ToArray();
            return (left, left.All(k => k.Contains(survivor.WriterId, StringComparison.Ordinal) || k.EndsWith("{@writers}", StringComparison.Ordinal)));
        });

        keys.Order(StringComparer.Ordinal).ShouldBe(new[]
        {
            $"{Prefix}:{{@writers}}", $"{Prefix}:{{@writers}}:{survivor.WriterId}", $"{Prefix}:{{churn_depth}}:g:{survivor.WriterId}",
        }.Order(StringComparer.Ordinal));
        (await connection.GetDatabase().SortedSetLengthAsync($"{Prefix}:{{@writers}}")).ShouldBe(1);
        Scrape(registry).ShouldBe("# HELP churn_depth Depth\n# TYPE churn_depth gauge\nchurn_depth{queue=\"mine\"} 2\n");
        // The counter is a global sum: the writers' deaths take nothing from it, and their batch-sequence fields are gone.
        var counterKey = connection.GetServer(connection.GetEndPoints()[0]).Keys(pattern: Prefix + ":{churn_total}:counter-*").Single();
        var fields = (await connection.GetDatabase().HashGetAllAsync(counterKey)).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        fields["v|{}"].ShouldBe(Writers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        fields.Keys.Where(k => k.StartsWith("@w|", StringComparison.Ordinal)).ShouldBeEmpty();
        await survivor.DisposeAsync();
    }

    [Fact]
    public async Task After_redis_lost_its_data_every_living_writer_sends_its_values_again()
    {
        var registry = new CollectorRegistry();
        var b1 = NewBackend(o => o.FlushInterval = TimeSpan.FromMilliseconds(50));
        var b2 = NewBackend(o => o.FlushInterval = TimeSpan.FromMilliseconds(50));
        On(b1, () => new Gauge("temperature", "T", ["room"], registry: registry, mode: GaugeMode.LiveAll)).Labels(("room", "a")).Set(20.5);
        On(b2, () => new Gauge("temperature", "T", ["room"], registry: new CollectorRegistry(), mode: GaugeMode.LiveAll)).Labels(("room", "b")).Set(19);
        await b1.FlushAsync();
        await b2.FlushAsync();

        Server.Command("FLUSHALL");

        var text = Until(() =>
        {
            var scraped = Scrape(registry);
            return (scraped, scraped.Contains("19\n", StringComparison.Ordinal) && scraped.Contains("20.5\n", StringComparison.Ordinal));
        });
        text.ShouldBe(
            "# HELP temperature T\n# TYPE temperature gauge\n" +
            $"temperature{{room=\"a\",pytheus_writer=\"{b1.WriterId}\"}} 20.5\n" +
            $"temperature{{room=\"b\",pytheus_writer=\"{b2.WriterId}\"}} 19\n");
    }

    [Fact]
    public async Task After_a_restart_from_an_older_snapshot_every_living_writer_sends_its_values_again()
    {
        using var redis = RedisServer.Create(persistent: false);
        var backend = NewBackend(o => o.ConnectionString = redis.ConnectionString);
        var registry = new CollectorRegistry();
        var gauge = On(backend, () => new Gauge("rolled_temperature", "T", ["room"], registry: registry, mode: GaugeMode.LiveSum));
        gauge.Labels(("room", "a")).Set(1);
        gauge.Labels(("room", "b")).Set(5);
        await backend.FlushAsync();
        redis.Command("SAVE").ShouldBe("+OK");
        gauge.Labels(("room", "a")).Set(2);
        await backend.FlushAsync();

        redis.Kill();
        redis.Start(); // loads the snapshot: the writer is registered, its value of room a is the old one
        redis.Command("HGET", $"{Prefix}:{{rolled_temperature}}:g:{backend.WriterId}", "{\"room\":\"a\"}").ShouldEndWith("\r\n1");
        await RedisServerFaultTests.FlushEventually(backend); // the heartbeat finds its deadline older than it wrote

        redis.Command("HGET", $"{Prefix}:{{rolled_temperature}}:g:{backend.WriterId}", "{\"room\":\"a\"}").ShouldEndWith("\r\n2");
        Scrape(registry).ShouldContain("rolled_temperature{room=\"a\"} 2\n");
        backend.Status.DataLossResends.ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public void Liveness_settings_are_read_from_the_backend_config()
    {
        var options = RedisBackendOptions.FromConfig(new BackendConfig
        {
            ["flush_interval_ms"] = 200, ["liveness_grace_ms"] = 1000, ["dead_writer_retention_ms"] = 30_000,
        });

        options.LivenessTimeout.ShouldBe(TimeSpan.FromMilliseconds(1600));
        options.DeadWriterRetention.ShouldBe(TimeSpan.FromSeconds(30));
        new RedisBackendOptions().LivenessTimeout.ShouldBe(TimeSpan.FromSeconds(8));
        Should.Throw<InvalidBackendConfigException>(() => RedisBackendOptions.FromConfig(new BackendConfig { ["liveness_grace_ms"] = -1 }))
            .Message.ShouldContain("liveness_grace_ms");
    }

    private static T Until<T>(Func<(T Value, bool Done)> probe)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var (value, done) = probe();
            if (done)
            {
                return value;
            }
            if (watch.Elapsed > Eventually)
            {
                throw new ShouldAssertException($"Not reached within {Eventually.TotalSeconds} s; last: {value}");
            }
            Thread.Sleep(50);
        }
    }
}
