using Pytheus.Backends;
using Pytheus.Backends.InProcess;
using Pytheus.Backends.Redis;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Redis.Tests;

[Collection(RedisCollection.Name)]
public class RedisBackendTests(RedisServer server) : RedisTestBase(server)
{
    private static void WriteScenario(IBackend backend, CollectorRegistry registry)
    {
        using (Backend.BeginScope(backend))
        {
            var requests = new Counter("http_requests_total", "Total requests", ["method", "code"], registry: registry);
            requests.Labels(("method", "GET"), ("code", "200")).Inc();
            requests.Labels(new Dictionary<string, string> { ["code"] = "500", ["method"] = "POST" }).Inc(2.5);
            requests.Labels(("method", "PUT"), ("code", "201"));
            new Gauge("temperature_celsius", "Room temp", registry: registry).Set(21.5);
            var latency = new Histogram("latency_seconds", "Latency", ["svc"], new Dictionary<string, string> { ["svc"] = "api" },
                buckets: [0.1, 1, 5.0], registry: registry);
            latency.Observe(0.05);
            latency.Observe(3);
            latency.Labels(("svc", "we\"ird\\ \u00e9")).Observe(0.5);
            new Summary("payload_bytes", "Payload size", registry: registry).Observe(512);
            var gauge = new Gauge("queue_depth", "Depth", ["queue"], registry: registry);
            gauge.Labels(("queue", "b")).Set(3);
            gauge.Labels(("queue", "b")).Inc(2);
            gauge.Labels(("queue", "a")).Dec(4);
        }
    }

    [Fact]
    public void Exposes_the_same_text_as_the_in_process_backend()
    {
        var inProcess = new CollectorRegistry("app");
        WriteScenario(new InProcessBackend(), inProcess);
        var redis = new CollectorRegistry("app");
        WriteScenario(NewBackend(), redis);

        Scrape(redis).ShouldBe(Scrape(inProcess));
    }

    [Fact]
    public async Task A_scrape_shows_series_written_by_other_processes_and_get_reads_your_writes()
    {
        var first = NewBackend();
        var second = NewBackend();
        var registryA = new CollectorRegistry();
        var registryB = new CollectorRegistry();
        var counterA = On(first, () => new Counter("jobs_total", "Jobs", ["queue"], registry: registryA));
        var counterB = On(second, () => new Counter("jobs_total", "Jobs", ["queue"], registry: registryB));

        counterA.Labels(("queue", "shared")).Inc(3);
        counterB.Labels(("queue", "shared")).Inc(4);
        counterB.Labels(("queue", "only-b")).Inc();
        counterA.Labels(("queue", "shared")).Get().ShouldBe(3); // unflushed, own change only
        await second.FlushAsync();

        Scrape(registryA).ShouldBe(
            """
            # HELP jobs_total Jobs
            # TYPE jobs_total counter
            jobs_total{queue="only-b"} 1
            jobs_total{queue="shared"} 7

            """.Replace("\r", string.Empty));
        counterA.Labels(("queue", "shared")).Get().ShouldBe(7);
        counterA.Labels(("queue", "shared")).Inc();
        counterA.Labels(("queue", "shared")).Get().ShouldBe(8);
    }

    [Fact]
    public async Task Label_order_and_defaults_map_to_one_series_across_processes()
    {
        var first = NewBackend();
        var second = NewBackend();
        var third = NewBackend();
        var registry = new CollectorRegistry();
        var a = On(first, () => new Counter("orders_total", "Orders", ["region", "kind"], registry: registry));
        // Another process declared the labels in the other order and gives one by default.
        var b = On(second, () => new Counter("orders_total", "Orders", ["kind", "region"],
            new Dictionary<string, string> { ["region"] = "eu" }, registry: new CollectorRegistry()));
        var c = On(third, () => new Counter("orders_total", "Orders", ["region", "kind"], registry: new CollectorRegistry()));

        a.Labels(("region", "eu"), ("kind", "web")).Inc();
        b.Labels(("kind", "web")).Inc(10);
        c.Labels(("kind", "web"), ("region", "eu")).Inc(100);
        c.WithLabelValues("eu", "web").Inc(1000);
        await second.FlushAsync();
        await third.FlushAsync();

        Scrape(registry).ShouldContain("orders_total{region=\"eu\",kind=\"web\"} 1111\n");
        Scrape(registry).Split('\n').Count(l => l.StartsWith("orders_total{", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task Gauge_set_is_last_writer_wins_and_inc_dec_add_up()
    {
        var first = NewBackend();
        var second = NewBackend();
        var registry = new CollectorRegistry();
        var g1 = On(first, () => new Gauge("temp", "t", registry: registry, mode: GaugeMode.Shared));
        var g2 = On(second, () => new Gauge("temp", "t", registry: new CollectorRegistry(), mode: GaugeMode.Shared));

        g1.Set(10);
        g1.Inc(5); // same flush: written as 15
        await first.FlushAsync();
        g2.Inc(2);
        await second.FlushAsync();
        g1.Get().ShouldBe(15); // last seen from Redis; a scrape refreshes it
        Scrape(registry).ShouldContain("temp 17\n");
        g1.Get().ShouldBe(17);

        g2.Set(1);
        g1.Dec(0.5);
        await second.FlushAsync();
        await first.FlushAsync();
        Scrape(registry).ShouldContain("temp 0.5\n");
    }

    [Fact]
    public async Task Special_values_survive_the_round_trip()
    {
        var backend = NewBackend();
        var registry = new CollectorRegistry();
        var nan = On(backend, () => new Gauge("g_nan", "g", registry: registry));
        var inf = On(backend, () => new Gauge("g_inf", "g", registry: registry));
        var fine = On(backend, () => new Gauge("g_fine", "g", registry: registry));
        var histogram = On(backend, () => new Histogram("h", "h", buckets: [1], registry: registry));
        nan.Set(double.NaN);
        inf.Set(double.NegativeInfinity);
        fine.Set(0.1);
        fine.Inc(0.2);
        histogram.Observe(double.PositiveInfinity);
        await backend.FlushAsync();
        fine.Inc(1e-17);

        var text = Scrape(registry);

        text.ShouldContain("g_nan NaN\n");
        text.ShouldContain("g_inf -Inf\n");
        text.ShouldContain($"g_fine {Pytheus.Exposition.PrometheusFloat.Format(0.1 + 0.2 + 1e-17)}\n");
        text.ShouldContain("h_bucket{le=\"+Inf\"} 1\n");
        text.ShouldContain("h_sum +Inf\n");
    }

    [Fact]
    public async Task Key_prefix_isolates_writes_and_scrapes()
    {
        var blue = NewBackend(prefix: Prefix + "blue");
        var green = NewBackend(prefix: Prefix + "green");
        var blueRegistry = new CollectorRegistry();
        var greenRegistry = new CollectorRegistry();
        On(blue, () => new Counter("hits_total", "h", registry: blueRegistry)).Inc(1);
        On(green, () => new Counter("hits_total", "h", registry: greenRegistry)).Inc(20);
        await green.FlushAsync();

        Scrape(blueRegistry).ShouldContain("hits_total 1\n");
        Scrape(greenRegistry).ShouldContain("hits_total 20\n");
        var hits = On(blue, () => new Counter("hits_total", "h", registry: new CollectorRegistry()));
        Server.Command("EXISTS", KeyOf(hits, Prefix + "blue")).ShouldBe(":1");
        Server.Command("EXISTS", KeyOf(hits, Prefix + "green")).ShouldBe(":1");
    }

    [Fact]
    public async Task Keys_expire_after_the_ttl_which_writes_and_scrapes_refresh()
    {
        var backend = NewBackend(o => o.ExpireKeyTime = TimeSpan.FromSeconds(1000));
        var registry = new CollectorRegistry();
        var counter = On(backend, () => new Counter("ttl_total", "t", registry: registry));
        var key = KeyOf(counter);
        counter.Inc();
        await backend.FlushAsync();
        Ttl(key).ShouldBeInRange(990, 1000);
        // The writer's sequence is a field of the family's hash: it expires with the data it guards.
        Server.Command("HGET", key, "@w|" + backend.WriterId).ShouldEndWith("\r\n1");

        Server.Command("EXPIRE", key, "50");
        counter.Inc();
        await backend.FlushAsync();
        Ttl(key).ShouldBeInRange(990, 1000);

        Server.Command("EXPIRE", key, "50");
        Scrape(registry);
        Ttl(key).ShouldBeInRange(990, 1000);
    }

    private long Ttl(string key) => long.Parse(Server.Command("TTL", key).TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_batch_retried_after_its_reply_was_lost_is_not_applied_twice()
    {
        var backend = NewBackend();
        var registry = new CollectorRegistry();
        var counter = On(backend, () => new Counter("retried_total", "r", ["k"], registry: registry));
        var histogram = On(backend, () => new Histogram("retried_seconds", "r", buckets: [1], registry: registry));
        var lost = 0;
        backend.LoseReplyAfterApply = (_, _) => Interlocked.Increment(ref lost) <= 2; // both families' first replies

        counter.Labels(("k", "a")).Inc(5);
        histogram.Observe(0.5);
        await Should.ThrowAsync<StackExchange.Redis.RedisException>(() => backend.FlushAsync());
        // Redis applied the batch; the client does not know. The batch stays pending, new changes wait for the next one.
        Server.Command("HGET", KeyOf(counter), "v|{\"k\":\"a\"}").ShouldEndWith("5");
        counter.Labels(("k", "a")).Inc(1);
        counter.Labels(("k", "a")).Get().ShouldBe(6);

        // Resends the same batch under the same sequence number (a no-op in Redis), then the Inc(1) under the next one.
        await backend.FlushAsync();
        Server.Command("HGET", KeyOf(counter), "v|{\"k\":\"a\"}").ShouldEndWith("\r\n6");
        counter.Labels(("k", "a")).Get().ShouldBe(6);
        Server.Command("HGET", KeyOf(counter), "@w|" + backend.WriterId).ShouldEndWith("\r\n2");

        var text = Scrape(registry);
        text.ShouldContain("retried_total{k=\"a\"} 6\n");
        text.ShouldContain("retried_seconds_count 1\n");
        text.ShouldContain("retried_seconds_sum 0.5\n");
        lost.ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task Every_scrape_during_concurrent_observes_has_count_equal_to_the_inf_bucket()
    {
        var writer = NewBackend(o => o.FlushInterval = TimeSpan.FromMilliseconds(5));
        var reader = NewBackend();
        var registry = new CollectorRegistry();
        var observed = On(writer, () => new Histogram("atomic_seconds", "a", ["w"], buckets: [0.1, 0.2], registry: new CollectorRegistry()));
        On(reader, () => new Histogram("atomic_seconds", "a", ["w"], buckets: [0.1, 0.2], registry: registry));
        var local = new CollectorRegistry();
        local.Register(observed);
        var stop = false;
        var done = new long[2];
        // Observers run until the scraper has checked enough scrapes taken while they were observing.
        var threads = Enumerable.Range(0, 2).Select(t => Task.Run(() =>
        {
            var child = observed.Labels(("w", "x"));
            long i = 0;
            while (!Volatile.Read(ref stop))
            {
                child.Observe(i % 3 * 0.1 + 0.05);
                done[t] = ++i;
            }
        })).ToArray();
        var scrapes = 0;
        var scraper = Task.Run(() =>
        {
            while (scrapes < 40)
            {
                foreach (var text in new[] { Scrape(registry), Scrape(local) })
                {
                    var inf = Value(text, "atomic_seconds_bucket{w=\"x\",le=\"+Inf\"}");
                    inf.ShouldBe(Value(text, "atomic_seconds_count{w=\"x\"}"));
                    Value(text, "atomic_seconds_bucket{w=\"x\",le=\"0.1\"}").ShouldBeLessThanOrEqualTo(Value(text, "atomic_seconds_bucket{w=\"x\",le=\"0.2\"}"));
                    scrapes++;
                }
            }
        });
        try
        {
            await scraper;
        }
        finally
        {
            Volatile.Write(ref stop, true);
            await Task.WhenAll(threads);
        }
        await writer.FlushAsync();

        var final = Scrape(registry);
        Value(final, "atomic_seconds_count{w=\"x\"}").ShouldBe(done.Sum());
        Value(final, "atomic_seconds_bucket{w=\"x\",le=\"0.1\"}").ShouldBe(done.Sum(n => (n + 2) / 3));
    }

    internal static double Value(string text, string series)
    {
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Graceful_dispose_flushes_what_is_pending()
    {
        var backend = NewBackend(o => o.FlushInterval = TimeSpan.FromHours(1));
        var counter = On(backend, () => new Counter("disposed_total", "d", registry: new CollectorRegistry()));
        counter.Inc(42);
        await backend.DisposeAsync();

        var reader = NewBackend();
        var registry = new CollectorRegistry();
        On(reader, () => new Counter("disposed_total", "d", registry: registry));
        Scrape(registry).ShouldContain("disposed_total 42\n");
    }

    [Fact]
    public async Task The_background_flusher_runs_on_the_injected_clock()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var backend = NewBackend(o => { o.TimeProvider = clock; o.FlushInterval = TimeSpan.FromSeconds(10); });
        var counter = On(backend, () => new Counter("clocked_total", "c", registry: new CollectorRegistry()));
        counter.Inc(3);
        var key = KeyOf(counter);

        await Task.Delay(100);
        Server.Command("HGET", key, "v|{}").ShouldBe("$-1"); // not due yet
        clock.Advance(TimeSpan.FromSeconds(10));
        await Eventually(() => Server.Command("HGET", key, "v|{}").EndsWith("\r\n3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Interval_zero_sends_changes_without_being_asked()
    {
        var backend = NewBackend(o => o.FlushInterval = TimeSpan.Zero);
        var counter = On(backend, () => new Counter("eager_total", "e", registry: new CollectorRegistry()));
        for (var i = 0; i < 1000; i++)
        {
            counter.Inc();
        }
        await Eventually(() => Server.Command("HGET", KeyOf(counter), "v|{}").EndsWith("\r\n1000", StringComparison.Ordinal));
    }

    internal static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }
        condition().ShouldBeTrue();
    }

    [Fact]
    public void Custom_collectors_and_the_backend_metrics_work_beside_redis_metrics()
    {
        var backend = NewBackend();
        var registry = new CollectorRegistry();
        On(backend, () => new Counter("served_total", "s", registry: registry)).Inc(2);
        registry.Register(new TemperatureCollector());
        registry.Register(backend.Metrics);

        Scrape(registry);
        var text = Scrape(registry); // self-metrics are read before the scrape's own flush; the second scrape shows it

        text.ShouldContain("served_total 2\n");
        text.ShouldContain("room_celsius 21\n");
        text.ShouldContain("pytheus_redis_flushes_total 1\n");
        text.ShouldContain("pytheus_redis_flush_failures_total 0\n");
        text.ShouldContain("pytheus_redis_pending_series 0\n");
        Server.Command("EXISTS", $"{Prefix}:{{room_celsius}}").ShouldBe(":0");
    }

    private sealed class TemperatureCollector : CustomCollector
    {
        private readonly Gauge _gauge = On(new InProcessBackend(), () => new Gauge("room_celsius", "Room", registry: CollectorRegistry.None));

        public override IEnumerable<Metric> CollectMetrics()
        {
            _gauge.Set(21);
            yield return _gauge;
        }
    }

    [Fact]
    public void Promtool_accepts_a_redis_backed_scrape()
    {
        var registry = new CollectorRegistry("app");
        WriteScenario(NewBackend(), registry);
        registry.Register(NewBackend().Metrics);
        var text = Scrape(registry);

        var info = new System.Diagnostics.ProcessStartInfo("/usr/bin/promtool", "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var promtool = System.Diagnostics.Process.Start(info)!;
        promtool.StandardInput.Write(text);
        promtool.StandardInput.Close();
        var output = promtool.StandardOutput.ReadToEnd() + promtool.StandardError.ReadToEnd();
        promtool.WaitForExit();

        promtool.ExitCode.ShouldBe(0, output);
    }
}
