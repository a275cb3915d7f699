using Pytheus.Backends.Redis;
using Pytheus.Metrics;
using Pytheus.Registry;
using StackExchange.Redis;

namespace Pytheus.Redis.Tests;

/// <summary>The batch protocol's promises: one field once per batch, a sequence as long-lived as its data, definitions apart.</summary>
[Collection(RedisCollection.Name)]
public class RedisProtocolTests(RedisServer server) : RedisTestBase(server)
{
    [Fact]
    public async Task The_same_metric_in_two_registries_with_different_prefixes_is_one_family_whose_changes_add_up()
    {
        var backend = NewBackend();
        var app1 = new CollectorRegistry("app1");
        var app2 = new CollectorRegistry("app2");
        var hot = new HotPath();
        var first = On(backend, () => new Counter("shared_total", "s", registry: app1));
        var second = On(backend, () => new Counter("shared_total", "s", registry: app2));

        hot.Run(() =>
        {
            first.Inc(5);
            second.Inc(7);
        });
        await backend.FlushAsync();

        hot.ShouldHaveSeenNoException();
        Scrape(app1).ShouldContain("app1_shared_total 12\n");
        Scrape(app2).ShouldContain("app2_shared_total 12\n");
        Server.Command("HGET", KeyOf(first), "v|{}").ShouldEndWith("\r\n12");
    }

    [Fact]
    public async Task Two_registries_declaring_the_labels_in_other_orders_share_the_series_and_each_reads_it_in_its_own_order()
    {
        var backend = NewBackend();
        var ab = new CollectorRegistry();
        var ba = new CollectorRegistry();
        var first = On(backend, () => new Counter("ordered_total", "o", ["a", "b"], registry: ab));
        var second = On(backend, () => new Counter("ordered_total", "o", ["b", "a"], registry: ba));

        first.WithLabelValues("1", "2").Inc(5);
        second.WithLabelValues("2", "1").Inc(7);
        await backend.FlushAsync();

        Scrape(ab).ShouldContain("ordered_total{a=\"1\",b=\"2\"} 12\n");
        Scrape(ba).ShouldContain("ordered_total{b=\"2\",a=\"1\"} 12\n");
        second.WithLabelValues("2", "1").Get().ShouldBe(12);
    }

    [Fact]
    public async Task A_series_removed_and_created_again_before_a_flush_holds_only_the_changes_made_after_the_removal()
    {
        var backend = NewBackend();
        var registry = new CollectorRegistry();
        var counter = On(backend, () => new Counter("recreated_total", "r", ["k"], registry: registry));
        var hot = new HotPath();
        hot.Run(() => counter.Labels(("k", "a")).Inc(3));
        await backend.FlushAsync();

        hot.Run(() =>
        {
            counter.Labels(("k", "a")).Inc(5);
            counter.RemoveLabelValues("a").ShouldBeTrue();
            counter.Labels(("k", "a")).Inc(2);
        });
        await backend.FlushAsync();

        // Removal is for every process (docs/multiprocess.md): the 3 in Redis and the unsent 5 went with the series.
        hot.ShouldHaveSeenNoException();
        Server.Command("HGET", KeyOf(counter), "v|{\"k\":\"a\"}").ShouldEndWith("\r\n2");
        Scrape(registry).ShouldContain("recreated_total{k=\"a\"} 2\n");
        counter.Labels(("k", "a")).Get().ShouldBe(2);
    }

    [Fact]
    public async Task Label_values_differing_only_in_an_unpaired_surrogate_are_two_series()
    {
        var writer = NewBackend();
        var reader = NewBackend();
        var counter = On(writer, () => new Counter("surrogate_total", "s", ["k"], registry: new CollectorRegistry()));
        var registry = new CollectorRegistry();
        var seen = On(reader, () => new Counter("surrogate_total", "s", ["k"], registry: registry));
        counter.Labels(("k", "x\uD800")).Inc(1);
        counter.Labels(("k", "x\uDBFF")).Inc(2);
        await writer.FlushAsync();
        var (high, highest) = (seen.Labels(("k", "x\uD800")), seen.Labels(("k", "x\uDBFF")));

        Scrape(registry); // the reader's cells learn Redis's values
        high.Get().ShouldBe(1);
        highest.Get().ShouldBe(2);
        Server.Command("HGET", KeyOf(counter), "v|{\"k\":\"x\\ud800\"}").ShouldEndWith("\r\n1");
    }

    [Fact]
    public async Task A_batch_retried_after_its_family_expired_is_re_sent_whole_not_added_again()
    {
        var backend = NewBackend(o => o.ExpireKeyTime = TimeSpan.FromSeconds(2));
        var registry = new CollectorRegistry();
        var counter = On(backend, () => new Counter("expired_retry_total", "e", registry: registry));
        counter.Inc(3);
        await backend.FlushAsync();
        var lost = 0;
        backend.LoseReplyAfterApply = (_, _) => Interlocked.Increment(ref lost) == 1;
        counter.Inc(4);
        await Should.ThrowAsync<RedisException>(() => backend.FlushAsync());
        Server.Command("HGET", KeyOf(counter), "v|{}").ShouldEndWith("\r\n7"); // applied, reply lost

        // Nobody writes or scrapes: the family expires, and with it this writer's sequence.
        RedisServer.WaitFor(() => Server.Command("EXISTS", KeyOf(counter)) == ":0", "the family to expire");
        await backend.FlushAsync();

        Server.Command("HGET", KeyOf(counter), "v|{}").ShouldEndWith("\r\n7");
        backend.Status.DataLossResends.ShouldBe(1);
        Scrape(registry).ShouldContain("expired_retry_total 7\n");
    }

    [Fact]
    public async Task A_batch_retried_while_another_process_keeps_the_family_alive_is_applied_once()
    {
        var backend = NewBackend(o => o.ExpireKeyTime = TimeSpan.FromSeconds(1));
        var other = NewBackend(o => o.ExpireKeyTime = TimeSpan.FromSeconds(1));
        var counter = On(backend, () => new Counter("alive_retry_total", "a", registry: new CollectorRegistry()));
        var otherCounter = On(other, () => new Counter("alive_retry_total", "a", registry: new CollectorRegistry()));
        backend.LoseReplyAfterApply = (_, _) => true;
        counter.Inc(7);
        await Should.ThrowAsync<RedisException>(() => backend.FlushAsync());

        // Longer than the TTL, the other process keeps writing: the hash — and the sequence inside it — stays.
        for (var i = 0; i < 5; i++)
        {
            otherCounter.Inc(1);
            await other.FlushAsync();
            await Task.Delay(400);
        }
        backend.LoseReplyAfterApply = null;
        await backend.FlushAsync();

        Server.Command("HGET", KeyOf(counter), "v|{}").ShouldEndWith("\r\n12");
        backend.Status.DataLossResends.ShouldBe(0);
    }

    [Fact]
    public async Task Differing_definitions_of_one_name_never_share_a_number_and_the_conflict_is_reported_once()
    {
        var first = NewBackend();
        var second = NewBackend();
        var counters = new CollectorRegistry();
        var gauges = new CollectorRegistry();
        var counter = On(first, () => new Counter("conflicted", "c", registry: counters));
        // A shared gauge: per-writer gauges live in keys of their own (docs/multiprocess.md) and never meet a counter's hash.
        var gauge = On(second, () => new Gauge("conflicted", "g", registry: gauges, mode: GaugeMode.Shared));
        var narrow = On(first, () => new Histogram("conflicted_seconds", "h", buckets: [1], registry: counters));
        var wide = On(second, () => new Histogram("conflicted_seconds", "h", buckets: [2], registry: gauges));

        counter.Inc(100);
        narrow.Observe(0.5);
        await first.FlushAsync();
        gauge.Set(1);
        wide.Observe(1.5);
        await second.FlushAsync();
        counter.Inc(1);
        narrow.Observe(0.25);
        await first.FlushAsync();
        await second.FlushAsync();

        var counterText = Scrape(counters);
        counterText.ShouldContain("conflicted 101\n");
        counterText.ShouldContain("conflicted_seconds_sum 0.75\n");
        counterText.ShouldContain("conflicted_seconds_bucket{le=\"1\"} 2\n");
        var gaugeText = Scrape(gauges);
        gaugeText.ShouldContain("conflicted 1\n");
        gaugeText.ShouldContain("conflicted_seconds_sum 1.5\n");
        gaugeText.ShouldContain("conflicted_seconds_bucket{le=\"2\"} 1\n");
        first.Status.DefinitionConflicts.ShouldBe(2);
        second.Status.DefinitionConflicts.ShouldBe(2);
        KeyOf(counter).ShouldNotBe(KeyOf(gauge));
    }

    [Fact]
    public async Task Removed_series_free_their_cells_and_scrapes_forget_what_redis_no_longer_holds()
    {
        var backend = NewBackend();
        var registry = new CollectorRegistry();
        var counter = On(backend, () => new Counter("freed_total", "f", ["k"], registry: registry));
        for (var i = 0; i < 1000; i++)
        {
            counter.WithLabelValues(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
        }
        await backend.FlushAsync();
        var binding = backend.Families.Bind(counter.Family.Definition);
        binding.State.Cells.Length.ShouldBe(1000);

        for (var i = 0; i < 1000; i += 2)
        {
            counter.RemoveLabelValues(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ShouldBeTrue();
        }
        counter.WithLabelValues("1").Inc(); // still held: stays
        await backend.FlushAsync();

        binding.State.Cells.Length.ShouldBe(500);
        // Removal is for every process: Redis deleted the series, and a scrape forgets them.
        Scrape(registry).Split('\n').Count(l => l.StartsWith("freed_total{", StringComparison.Ordinal)).ShouldBe(500);
        binding.Reader.CachedSeries.ShouldBe(500);
    }
}
