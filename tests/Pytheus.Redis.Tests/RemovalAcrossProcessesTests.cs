using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Redis.Tests;

/// <summary>
/// <c>RemoveLabelValues</c> and <c>Clear</c> on shared families (counters, histograms, summaries, shared gauges) remove the
/// series for every process sharing the Redis; a later write recreates it from that write alone.
/// </summary>
[Collection(RedisCollection.Name)]
public class RemovalAcrossProcessesTests(RedisServer server) : RedisTestBase(server)
{
    [Fact]
    public async Task A_removed_counter_series_is_gone_for_every_process_and_never_comes_back_with_its_old_total()
    {
        var b1 = NewBackend();
        var b2 = NewBackend();
        var r1 = new CollectorRegistry();
        var r2 = new CollectorRegistry();
        var c1 = On(b1, () => new Counter("jobs_total", "Jobs", ["queue"], registry: r1));
        var c2 = On(b2, () => new Counter("jobs_total", "Jobs", ["queue"], registry: r2));
        c1.Labels(("queue", "a")).Inc(3);
        c2.Labels(("queue", "a")).Inc(4);
        c2.Labels(("queue", "b")).Inc(1);
        await b1.FlushAsync();
        await b2.FlushAsync();
        Scrape(r2).ShouldContain("jobs_total{queue=\"a\"} 7\n");

        c1.RemoveLabelValues("a").ShouldBeTrue();
        await b1.FlushAsync();

        Scrape(r1).ShouldBe("# HELP jobs_total Jobs\n# TYPE jobs_total counter\njobs_total{queue=\"b\"} 1\n");
        Scrape(r2).ShouldBe("# HELP jobs_total Jobs\n# TYPE jobs_total counter\njobs_total{queue=\"b\"} 1\n");

        c2.Labels(("queue", "a")).Inc(1);
        await b2.FlushAsync();
        Scrape(r1).ShouldContain("jobs_total{queue=\"a\"} 1\n");
    }

    [Fact]
    public async Task Removing_a_series_another_process_created_works_from_a_process_that_never_wrote_it()
    {
        var writer = NewBackend();
        var remover = NewBackend();
        var registry = new CollectorRegistry();
        On(writer, () => new Counter("seen_total", "Seen", ["k"], registry: new CollectorRegistry())).Labels(("k", "x")).Inc(5);
        await writer.FlushAsync();
        var counter = On(remover, () => new Counter("seen_total", "Seen", ["k"], registry: registry));

        counter.RemoveLabelValues("x").ShouldBeFalse("this process never had the series");
        await remover.FlushAsync();

        Scrape(registry).ShouldBe("# HELP seen_total Seen\n# TYPE seen_total counter\n");
    }

    [Fact]
    public async Task A_histogram_series_is_removed_with_every_bucket_and_its_sum()
    {
        var backend = NewBackend();
        var registry = new CollectorRegistry();
        var histogram = On(backend, () => new Histogram("latency_seconds", "L", ["route"], buckets: [0.5], registry: registry));
        histogram.Labels(("route", "/a")).Observe(0.25);
        histogram.Labels(("route", "/b")).Observe(2);
        await backend.FlushAsync();

        histogram.RemoveLabelValues("/a").ShouldBeTrue();
        await backend.FlushAsync();

        Scrape(registry).ShouldBe(
            "# HELP latency_seconds L\n# TYPE latency_seconds histogram\n" +
            "latency_seconds_bucket{route=\"/b\",le=\"0.5\"} 0\nlatency_seconds_bucket{route=\"/b\",le=\"+Inf\"} 1\n" +
            "latency_seconds_sum{route=\"/b\"} 2\nlatency_seconds_count{route=\"/b\"} 1\n");
        Server.Command("HEXISTS", KeyOf(histogram), "sum|{\"route\":\"/a\"}").ShouldEndWith(":0");
    }

    [Fact]
    public async Task Clear_removes_every_series_of_every_process_and_later_writes_start_from_zero()
    {
        var b1 = NewBackend();
        var b2 = NewBackend();
        var registry = new CollectorRegistry();
        var s1 = On(b1, () => new Summary("payload_bytes", "P", ["kind"], registry: registry));
        var s2 = On(b2, () => new Summary("payload_bytes", "P", ["kind"], registry: new CollectorRegistry()));
        s1.Labels(("kind", "a")).Observe(10);
        s2.Labels(("kind", "b")).Observe(20);
        await b1.FlushAsync();
        await b2.FlushAsync();

        s1.Clear();
        s1.Labels(("kind", "a")).Observe(1);
        await b1.FlushAsync();

        Scrape(registry).ShouldBe(
            "# HELP payload_bytes P\n# TYPE payload_bytes summary\npayload_bytes_sum{kind=\"a\"} 1\npayload_bytes_count{kind=\"a\"} 1\n");
    }
}
