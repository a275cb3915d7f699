using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Redis.Tests;

[Collection(RedisFaultCollection.Name)]
public class RedisShutdownTests(RedisServer server) : RedisTestBase(server)
{
    [Fact]
    public async Task A_shutdown_flush_that_gives_up_waiting_keeps_other_flushes_out_until_its_own_has_ended()
    {
        using var redis = RedisServer.Create(persistent: false);
        var backend = NewBackend(o => o.ConnectionString = redis.ConnectionString);
        var registry = new CollectorRegistry();
        var counter = On(backend, () => new Counter("raced_total", "r", ["k"], registry: registry));
        var hot = new HotPath();
        hot.Run(() => counter.Labels(("k", "a")).Inc(1));
        await backend.FlushAsync();

        redis.Command("CLIENT", "PAUSE", "30000", "WRITE").ShouldBe("+OK");
        hot.Run(() => counter.Labels(("k", "a")).Inc(5));
        // What SIGTERM runs: a flush bounded by the shutdown timeout. Redis holds the batch; the flush gives up waiting.
        (await backend.FlushWithinAsync(TimeSpan.FromMilliseconds(200))).ShouldBeOfType<TimeoutException>();
        hot.Run(() =>
        {
            counter.Labels(("k", "a")).Inc(2);
            counter.Labels(("k", "b")).Inc(3);
        });
        var next = backend.FlushAsync(); // must wait for the first flush, still running
        (await backend.FlushWithinAsync(TimeSpan.FromMilliseconds(200))).ShouldBeOfType<TimeoutException>();
        redis.Command("CLIENT", "UNPAUSE").ShouldBe("+OK");
        await next;

        hot.ShouldHaveSeenNoException();
        backend.PeakConcurrentFlushes.ShouldBe(1);
        var text = Scrape(registry);
        text.ShouldContain("raced_total{k=\"a\"} 8\n");
        text.ShouldContain("raced_total{k=\"b\"} 3\n");
    }
}
