using Pytheus.Backends.Redis;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Redis.Tests;

/// <summary>
/// Redis losing data — FLUSHALL, a restart without persistence, a family key expiring — is detected by every living
/// process, which re-sends what it holds: series, gauges' values, counters' own contributions (a reset, never a double).
/// </summary>
[Collection(RedisFaultCollection.Name)]
public class RedisDataLossTests(RedisServer server) : RedisTestBase(server)
{
    [Fact]
    public async Task After_FLUSHALL_every_living_process_re_sends_what_it_holds()
    {
        using var redis = RedisServer.Create(persistent: false);
        var (a, b) = (Backend(redis), Backend(redis));
        var hot = new HotPath();
        var counterA = On(a, () => new Counter("lost_total", "l", ["k"], registry: new CollectorRegistry()));
        var counterB = On(b, () => new Counter("lost_total", "l", ["k"], registry: new CollectorRegistry()));
        // Shared gauges go through the batch protocol tested here; per-writer gauges: GaugeModes/GaugeModeBackendTests.
        var gauge = On(a, () => new Gauge("lost_gauge", "g", registry: new CollectorRegistry(), mode: GaugeMode.Shared));
        var histogram = On(b, () => new Histogram("lost_seconds", "h", buckets: [1], registry: new CollectorRegistry()));
        hot.Run(() =>
        {
            counterA.Labels(("k", "x")).Inc(3);
            counterB.Labels(("k", "x")).Inc(4);
            counterA.Labels(("k", "idle")); // exists, never incremented
            gauge.Set(42);
            histogram.Observe(0.25);
            histogram.Observe(5);
        });
        await a.FlushAsync();
        await b.FlushAsync();

        redis.Command("FLUSHALL").ShouldBe("+OK");
        await a.FlushAsync(); // nothing pending: the idle check finds the loss
        hot.Run(() => counterB.Labels(("k", "x")).Inc(1));
        await b.FlushAsync(); // a pending change: the apply script finds the loss

        hot.ShouldHaveSeenNoException();
        var text = ReadAll(redis);
        text.ShouldContain("lost_total{k=\"x\"} 8\n");
        text.ShouldContain("lost_total{k=\"idle\"} 0\n");
        text.ShouldContain("lost_gauge 42\n");
        text.ShouldContain("lost_seconds_count 2\n");
        text.ShouldContain("lost_seconds_bucket{le=\"1\"} 1\n");
        text.ShouldContain("lost_seconds_sum 5.25\n");
        a.Status.DataLossResends.ShouldBe(2); // its counter and its gauge family
        b.Status.DataLossResends.ShouldBe(2);
    }

    [Fact]
    public async Task After_a_restart_without_persistence_the_data_comes_back_within_one_flush_interval()
    {
        using var redis = RedisServer.Create(persistent: false);
        var backend = NewBackend(o =>
        {
            o.ConnectionString = redis.ConnectionString + ",connectRetry=1";
            o.FlushInterval = TimeSpan.FromMilliseconds(100);
        });
        var counter = On(backend, () => new Counter("restarted_total", "r", registry: new CollectorRegistry()));
        var gauge = On(backend, () => new Gauge("restarted_gauge", "g", registry: new CollectorRegistry(), mode: GaugeMode.Shared));
        var hot = new HotPath();
        hot.Run(() =>
        {
            counter.Inc(5);
            gauge.Set(-2.5);
        });
        await RedisServerFaultTests.FlushEventually(backend);

        redis.Kill();
        hot.Run(() => counter.Inc(1));
        redis.Start();
        // No flush asked for: the background flusher finds the empty server and puts everything back.
        await RedisBackendTests.Eventually(() => ReadAll(redis) is var text
            && text.Contains("restarted_total 6\n", StringComparison.Ordinal) && text.Contains("restarted_gauge -2.5\n", StringComparison.Ordinal));

        hot.ShouldHaveSeenNoException();
        backend.Status.DataLossResends.ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task A_family_that_expired_because_nobody_wrote_or_scraped_it_is_re_sent()
    {
        var backend = NewBackend(o => o.ExpireKeyTime = TimeSpan.FromSeconds(1));
        var registry = new CollectorRegistry();
        var gauge = On(backend, () => new Gauge("expired_gauge", "e", ["k"], registry: registry, mode: GaugeMode.Shared));
        gauge.Labels(("k", "a")).Set(42);
        gauge.Labels(("k", "b"));
        await backend.FlushAsync();

        RedisServer.WaitFor(() => Server.Command("EXISTS", KeyOf(gauge)) == ":0", "the family to expire");
        await backend.FlushAsync();

        var text = Scrape(registry);
        text.ShouldContain("expired_gauge{k=\"a\"} 42\n");
        text.ShouldContain("expired_gauge{k=\"b\"} 0\n");
        gauge.Labels(("k", "a")).Get().ShouldBe(42);
        backend.Status.DataLossResends.ShouldBe(1);
    }

    [Fact]
    public async Task A_scrape_that_finds_the_data_gone_puts_it_back()
    {
        var backend = NewBackend();
        var registry = new CollectorRegistry();
        var counter = On(backend, () => new Counter("scraped_back_total", "s", registry: registry));
        counter.Inc(9);
        Scrape(registry).ShouldContain("scraped_back_total 9\n");

        Server.Command("DEL", KeyOf(counter));
        Scrape(registry); // finds the hash gone and re-sends

        Scrape(registry).ShouldContain("scraped_back_total 9\n");
        backend.Status.DataLossResends.ShouldBe(1);
    }

    [Fact]
    public async Task After_a_restart_from_an_older_snapshot_every_living_process_re_sends_what_it_holds()
    {
        // RDB persistence only: the restart loads the last snapshot, whose hashes have the epochs they have now. Only the
        // writers' sequences tell that Redis went back in time.
        using var redis = RedisServer.Create(persistent: false);
        var (a, b) = (Backend(redis), Backend(redis));
        var counterA = On(a, () => new Counter("rolled_total", "r", registry: new CollectorRegistry()));
        var counterB = On(b, () => new Counter("rolled_total", "r", registry: new CollectorRegistry()));
        var gauge = On(a, () => new Gauge("rolled_gauge", "g", registry: new CollectorRegistry(), mode: GaugeMode.Shared));
        var hot = new HotPath();
        hot.Run(() =>
        {
            counterA.Inc(3);
            counterB.Inc(4);
            gauge.Set(7);
        });
        await a.FlushAsync();
        await b.FlushAsync();
        redis.Command("SAVE").ShouldBe("+OK");
        hot.Run(() =>
        {
            counterA.Inc(5);
            gauge.Set(42);
        });
        await a.FlushAsync(); // confirmed after the snapshot

        redis.Kill();
        redis.Start();
        redis.Command("HGET", KeyOf(counterA), "v|{}").ShouldEndWith("\r\n7"); // the snapshot's value: 5 lost
        redis.Command("HGET", KeyOf(gauge), "v|{}").ShouldEndWith("\r\n7");
        hot.Run(() => counterA.Inc(1));
        await RedisServerFaultTests.FlushEventually(a); // the counter's batch and the gauge's idle check find a's sequence behind
        await RedisServerFaultTests.FlushEventually(b); // nothing pending: the idle check finds the stale hash replaced

        hot.ShouldHaveSeenNoException();
        redis.Command("HGET", KeyOf(counterA), "v|{}").ShouldEndWith("\r\n13");
        var text = ReadAll(redis);
        text.ShouldContain("rolled_total 13\n");
        text.ShouldContain("rolled_gauge 42\n");
        a.Status.DataLossResends.ShouldBe(2);
        b.Status.DataLossResends.ShouldBe(1);
    }

    [Fact]
    public async Task A_scrape_that_finds_the_data_rolled_back_puts_it_back()
    {
        using var redis = RedisServer.Create(persistent: false);
        var backend = Backend(redis);
        var registry = new CollectorRegistry();
        var counter = On(backend, () => new Counter("scraped_rollback_total", "s", registry: registry));
        counter.Inc(2);
        await backend.FlushAsync();
        redis.Command("SAVE").ShouldBe("+OK");
        counter.Inc(7);
        await backend.FlushAsync();

        redis.Kill();
        redis.Start();
        await RedisBackendTests.Eventually(() => TryScrape(registry) is not null); // reconnected; finds the rollback, re-sends

        Scrape(registry).ShouldContain("scraped_rollback_total 9\n");
        backend.Status.DataLossResends.ShouldBe(1);
    }

    [Fact]
    public async Task A_hash_re_created_by_a_retried_batch_after_a_second_loss_is_seen_as_lost_by_every_writer()
    {
        // The interleaving the randomized run hit now and then: a batch that creates the hash is applied but its reply
        // is lost; another writer then confirms changes into that hash; Redis loses it again; the retry creates it anew.
        // Were the new hash given the same epoch as the lost one, the other writer would never notice its loss.
        var (a, b) = (NewBackend(), NewBackend());
        var counterA = On(a, () => new Counter("recreated_epoch_total", "r", registry: new CollectorRegistry()));
        var registry = new CollectorRegistry();
        var counterB = On(b, () => new Counter("recreated_epoch_total", "r", registry: registry));
        var hot = new HotPath();
        a.LoseReplyAfterApply = (_, _) => true;
        hot.Run(() => counterA.Inc(1));
        await Should.ThrowAsync<StackExchange.Redis.RedisException>(() => a.FlushAsync()); // applied, reply lost
        hot.Run(() => counterB.Inc(10));
        await b.FlushAsync(); // confirmed into the hash a created

        Server.Command("DEL", KeyOf(counterA)).ShouldBe(":1"); // lost (expired, evicted, FLUSHALL...)
        a.LoseReplyAfterApply = null;
        await a.FlushAsync(); // the retry re-creates the hash
        await b.FlushAsync(); // nothing pending: the idle check must see a new hash
        hot.Run(() => counterB.Inc(1));
        await b.FlushAsync();

        hot.ShouldHaveSeenNoException();
        Server.Command("HGET", KeyOf(counterA), "v|{}").ShouldEndWith("\r\n12");
        Scrape(registry).ShouldContain("recreated_epoch_total 12\n");
        b.Status.DataLossResends.ShouldBe(1);
    }

    private RedisBackend Backend(RedisServer redis) => NewBackend(o => o.ConnectionString = redis.ConnectionString);

    private static string? TryScrape(CollectorRegistry registry)
    {
        try
        {
            return Scrape(registry);
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            return null;
        }
    }

    private string ReadAll(RedisServer redis)
    {
        var reader = NewBackend(o => o.ConnectionString = redis.ConnectionString);
        var registry = new CollectorRegistry();
        On(reader, () =>
        {
            new Counter("lost_total", "l", ["k"], registry: registry);
            new Gauge("lost_gauge", "g", registry: registry, mode: GaugeMode.Shared);
            new Histogram("lost_seconds", "h", buckets: [1], registry: registry);
            new Counter("restarted_total", "r", registry: registry);
            new Counter("rolled_total", "r", registry: registry);
            new Gauge("rolled_gauge", "g", registry: registry, mode: GaugeMode.Shared);
            return new Gauge("restarted_gauge", "g", registry: registry, mode: GaugeMode.Shared);
        });
        try
        {
            return Scrape(registry);
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            return string.Empty;
        }
    }
}
