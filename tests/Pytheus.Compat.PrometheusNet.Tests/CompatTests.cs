using LegacyLibrary;
using Prometheus;
using PromMetrics = Prometheus.Metrics;
using Pytheus.Exposition;

namespace Pytheus.Compat.PrometheusNet.Tests;

[Collection(PatchedCollection.Name)]
public class CompatTests(PatchedFixture fixture)
{
    private static LegacyShop NewShop(string prefix)
    {
        var registry = PromMetrics.NewCustomRegistry();
        Compat.Attach(registry);
        return new(registry, prefix);
    }

    [Fact]
    public void PatchClient_is_idempotent_and_thread_safe()
    {
        var handles = new PatchHandle[8];
        Parallel.For(0, handles.Length, i => handles[i] = Compat.PatchClient());
        handles.ShouldAllBe(h => ReferenceEquals(h, Compat.Active));
        Compat.Active!.Report.RedirectedMethods.ShouldBe(ActiveStrategy.IsPortable ? 0 : 13);
        Compat.Active.Report.Strategy.ShouldBe(ActiveStrategy.IsPortable ? PatchStrategy.Portable : PatchStrategy.Detour);
        Compat.Active.Report.PrometheusNetVersion.ShouldStartWith("8.2.1");
    }

    [Fact]
    public async Task Counters_land_in_pytheus_and_not_in_prometheus_net_storage()
    {
        var shop = NewShop("c1");
        shop.PlaceOrders();

        shop.Orders.WithLabels("ok", "eu").Value.ShouldBe(3);
        shop.Orders.WithLabels("ok", "us").Value.ShouldBe(4);
        shop.Requests.Value.ShouldBe(10);
        PrometheusNetStorage.CounterValue(shop.Orders.WithLabels("ok", "eu")).ShouldBe(ActiveStrategy.Stored(3));
        PrometheusNetStorage.CounterValue(((ICollector<Counter.Child>)shop.Requests).Unlabelled).ShouldBe(ActiveStrategy.Stored(10));

        var text = await shop.ExportAsync();
        text.ShouldContain("c1_orders_total{status=\"ok\",region=\"eu\"} 3\n");
        text.ShouldContain("c1_orders_total{status=\"failed\",region=\"us\"} 0.5\n");
        text.ShouldContain("c1_orders_total{status=\"ok\",region=\"us\"} 4\n");
        text.ShouldContain("c1_requests_total 10\n");
        Should.Throw<ArgumentOutOfRangeException>(() => shop.Requests.Inc(-1));
        shop.Requests.Value.ShouldBe(10);
    }

    [Fact]
    public async Task Gauges_and_in_progress_tracking_land_in_pytheus()
    {
        var shop = NewShop("g1");
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        shop.MoveQueues();
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

        shop.InFlightWhileTracked.ShouldBe(1);
        shop.InFlight.Value.ShouldBe(0);
        var text = await shop.ExportAsync();
        text.ShouldContain("g1_queue_length{queue=\"emails\"} 2\n");
        text.ShouldContain("g1_queue_length{queue=\"sms\"} 4\n");
        text.ShouldContain("g1_queue_length{queue=\"push\"} 1.5\n");
        text.ShouldContain("g1_in_flight 0\n");
        PrometheusNetStorage.GaugeValue(shop.Queue.WithLabels("sms")).ShouldBe(ActiveStrategy.Stored(4));
        // Millisecond clocks divided by 1000 round either way: a whole millisecond of slack on each side.
        shop.Queue.WithLabels("stamp").Value.ShouldBeInRange(before - 0.002, after + 0.002);
    }

    [Fact]
    public async Task Histograms_and_summaries_land_in_pytheus_with_their_buckets()
    {
        var shop = NewShop("h1");
        shop.ObserveLatencies();

        var home = shop.Latency.WithLabels("/home");
        home.Count.ShouldBe(5);
        home.Sum.ShouldBe(0.05 + 0.25 + 0.35 * 3, tolerance: 1e-9);
        PrometheusNetStorage.HistogramSum(home).ShouldBe(ActiveStrategy.Stored(0.05 + 0.25 + 0.35 * 3), tolerance: 1e-9);
        shop.Latency.WithLabels("/timed").Count.ShouldBe(1);

        var text = await shop.ExportAsync();
        text.ShouldContain("""
            h1_latency_seconds_bucket{route="/home",le="0.1"} 1
            h1_latency_seconds_bucket{route="/home",le="0.2"} 1
            h1_latency_seconds_bucket{route="/home",le="0.3"} 2
            h1_latency_seconds_bucket{route="/home",le="0.4"} 5
            h1_latency_seconds_bucket{route="/home",le="0.5"} 5
            h1_latency_seconds_bucket{route="/home",le="+Inf"} 5
            """.ReplaceLineEndings("\n"));
        text.ShouldContain("h1_latency_seconds_count{route=\"/api\"} 1\n");
        text.ShouldContain("h1_size_bytes_bucket{le=\"10\"} 1\nh1_size_bytes_bucket{le=\"100\"} 1\nh1_size_bytes_bucket{le=\"1000\"} 2\n");
        text.ShouldContain("h1_payload_bytes_count 3\n");
        // The summary's objective: merged across processes under the detour, prometheus-net's own under the portable strategy.
        text.ShouldContain("h1_payload_bytes{quantile=\"0.5\"} ");
    }

    [Fact]
    public async Task CountExceptions_counts_each_exception_once_and_rethrows()
    {
        var shop = NewShop("e1");
        shop.FailSometimes();

        shop.Errors.Value.ShouldBe(3);
        (await shop.ExportAsync()).ShouldContain("e1_errors_total 3\n");
    }

    [Fact]
    public async Task SuppressInitialValue_hides_a_metrics_sample_until_its_first_update()
    {
        var shop = NewShop("s1");
        var before = await shop.ExportAsync();
        // As prometheus-net: the family's HELP and TYPE, no sample.
        before.ShouldContain("# HELP s1_suppressed Hidden until set.\n# TYPE s1_suppressed gauge\n");
        before.ShouldNotContain("\ns1_suppressed ");

        shop.SetSuppressed(42);

        (await shop.ExportAsync()).ShouldContain("# TYPE s1_suppressed gauge\ns1_suppressed 42\n");
    }

    [Fact]
    public async Task RemoveLabelled_removes_the_series_from_the_exposition()
    {
        var shop = NewShop("r1");
        shop.PlaceOrders();
        (await shop.ExportAsync()).ShouldContain("status=\"failed\"");

        shop.RemoveFailedOrders();

        var text = await shop.ExportAsync();
        text.ShouldNotContain("status=\"failed\"");
        text.ShouldContain("r1_orders_total{status=\"ok\",region=\"eu\"} 3\n");
    }

    [Fact]
    public async Task Static_labels_of_factories_become_labels_of_the_pytheus_series()
    {
        var registry = PromMetrics.NewCustomRegistry();
        var factory = PromMetrics.WithCustomRegistry(registry).WithLabels(new Dictionary<string, string> { ["service"] = "shop" });
        var counter = factory.CreateCounter("st_events_total", "Events.", ["kind"]);
        counter.WithLabels("click").Inc(2);

        var text = await Export(registry);

        text.ShouldContain("st_events_total{kind=\"click\",service=\"shop\"} 2\n");
    }

    [Fact]
    public async Task Managed_lifetime_metrics_are_redirected()
    {
        var registry = PromMetrics.NewCustomRegistry();
        var handle = PromMetrics.WithCustomRegistry(registry).WithManagedLifetime(TimeSpan.FromMinutes(5))
            .CreateCounter("ml_jobs_total", "Jobs.", ["queue"]);
        handle.WithExtendLifetimeOnUse().WithLabels("a").Inc(3);
        handle.WithLease(c => c.Inc(2), "a");

        (await Export(registry)).ShouldContain("ml_jobs_total{queue=\"a\"} 5\n");
    }

    [Fact]
    public async Task OpenMetrics_is_served_when_prometheus_net_negotiates_it()
    {
        var shop = NewShop("om1");
        shop.PlaceOrders();

        var text = await shop.ExportAsync(Prometheus.ExpositionFormat.OpenMetricsText);

        text.ShouldContain("# TYPE om1_orders counter\n");
        text.ShouldContain($"om1_orders_total{{status=\"ok\",region=\"eu\"}} {(ActiveStrategy.IsPortable ? "3.0" : "3")}\n");
        text.ShouldEndWith("# EOF\n");
    }

    [Fact]
    public async Task The_default_registry_is_exposed_from_the_configured_pytheus_registry()
    {
        var counter = PromMetrics.CreateCounter("compat_default_registry_total", "Default registry.");
        counter.Inc(7);

        var text = await Export(PromMetrics.DefaultRegistry);

        text.ShouldContain("compat_default_registry_total 7\n");
        (await MetricsExposition.GenerateMetricsAsync(fixture.Registry)).ShouldContain("compat_default_registry_total 7\n");
    }

    [Fact]
    public async Task Process_metrics_stay_on_an_in_process_backend_while_the_rest_use_the_configured_one()
    {
        PromMetrics.CreateCounter("compat_shared_total", "Shared.").Inc();

        var text = await Export(PromMetrics.DefaultRegistry);

        var families = fixture.Registry.Collectors.OfType<Metrics.MetricFamily>().ToDictionary(f => f.Name);
        families["compat_shared_total"].Backend.ShouldBeSameAs(fixture.Backend);
        if (ActiveStrategy.IsPortable)
        {
            // Not harvested at all: prometheus-net exports its own per-process values, as without Pytheus.
            families.ShouldNotContainKey("process_cpu_seconds_total");
            text.ShouldContain("\nprocess_cpu_seconds_total ");
            return;
        }
        families["process_cpu_seconds_total"].Backend.ShouldNotBeSameAs(fixture.Backend);
        families["process_cpu_seconds_total"].Backend.ShouldBeOfType<Backends.InProcess.InProcessBackend>();
    }

    [Fact]
    public async Task Exposed_text_of_every_metric_kind_passes_promtool()
    {
        var shop = NewShop("pt1");
        shop.PlaceOrders();
        shop.MoveQueues();
        shop.ObserveLatencies();
        shop.FailSometimes();
        shop.SetSuppressed(1);

        var (exitCode, output) = await TestProcesses.RunAsync(
            new System.Diagnostics.ProcessStartInfo("promtool") { ArgumentList = { "check", "metrics" } },
            TimeSpan.FromMinutes(1), await shop.ExportAsync());

        exitCode.ShouldBe(0, output);
    }

    internal static async Task<string> Export(CollectorRegistry registry)
    {
        Compat.Attach(registry);
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
