using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Pytheus.Backends.InProcess;
using Pytheus.Registry;

namespace Pytheus.AspNetCore.Tests.Meters;

public sealed class PytheusMeterBridgeTests
{
    private readonly string _meterName = "Tests.Bridge." + Guid.NewGuid().ToString("N");

    private Task<TestHost> StartAsync(Action<MeterBridgeOptions>? configure = null) =>
        TestHost.StartAsync(
            b =>
            {
                b.Services.AddPytheus(o =>
                {
                    o.Registry = new CollectorRegistry();
                    o.BackendInstance = new InProcessBackend();
                    o.SetAsCurrentBackend = false;
                });
                b.Services.AddPytheusMeterBridge(o =>
                {
                    o.Meters.Add(_meterName);
                    o.ObservableInterval = TimeSpan.Zero;
                    configure?.Invoke(o);
                });
            },
            app => app.MapPytheusMetrics());

    [Fact]
    public async Task Counters_become_counters_with_tags_as_labels()
    {
        await using var host = await StartAsync();
        using var meter = new Meter(_meterName);
        var orders = meter.CreateCounter<long>("orders.placed", "{order}", "Orders placed.");

        orders.Add(3, new KeyValuePair<string, object?>("region", "eu"));
        orders.Add(2, new KeyValuePair<string, object?>("region", "eu"));
        orders.Add(1, new KeyValuePair<string, object?>("region", "us"));

        var text = await host.ScrapeAsync();
        text.ShouldContain("# HELP orders_placed_total Orders placed.\n# TYPE orders_placed_total counter\n");
        text.ShouldContain("orders_placed_total{region=\"eu\"} 5\n");
        text.ShouldContain("orders_placed_total{region=\"us\"} 1\n");
    }

    [Fact]
    public async Task Histograms_in_milliseconds_are_exported_in_seconds_with_configured_buckets()
    {
        await using var host = await StartAsync(o => o.HistogramBucketsByInstrument["request.duration"] = [0.1, 1, 10]);
        using var meter = new Meter(_meterName);
        var duration = meter.CreateHistogram<double>("request.duration", "ms");

        duration.Record(250, new KeyValuePair<string, object?>("http.route", "/a"));
        duration.Record(1500, new KeyValuePair<string, object?>("http.route", "/a"));

        var text = await host.ScrapeAsync();
        text.ShouldContain("request_duration_seconds_bucket{http_route=\"/a\",le=\"0.1\"} 0\n");
        text.ShouldContain("request_duration_seconds_bucket{http_route=\"/a\",le=\"1\"} 1\n");
        text.ShouldContain("request_duration_seconds_bucket{http_route=\"/a\",le=\"10\"} 2\n");
        text.ShouldContain("request_duration_seconds_bucket{http_route=\"/a\",le=\"+Inf\"} 2\n");
        text.ShouldContain("request_duration_seconds_sum{http_route=\"/a\"} 1.75\n");
        text.ShouldContain("request_duration_seconds_count{http_route=\"/a\"} 2\n");
    }

    [Fact]
    public async Task UpDownCounters_become_gauges()
    {
        await using var host = await StartAsync();
        using var meter = new Meter(_meterName);
        var queue = meter.CreateUpDownCounter<int>("queue.items", "{item}");

        queue.Add(5);
        queue.Add(-2);

        var text = await host.ScrapeAsync();
        text.ShouldContain("# TYPE queue_items gauge\nqueue_items 3\n");
    }

    [Fact]
    public async Task Observable_instruments_are_read_at_each_scrape()
    {
        await using var host = await StartAsync();
        using var meter = new Meter(_meterName);
        var poolSize = 7;
        var cpuSeconds = 10.0;
        meter.CreateObservableGauge("pool.size", () => poolSize, "{connection}");
        meter.CreateObservableCounter("process.cpu.time", () => new Measurement<double>(cpuSeconds, new KeyValuePair<string, object?>("mode", "user")), "s");

        // The first reading, right after publication, creates the metrics.
        (await Eventually.TrueAsync(() => host.ScrapeAsync().Result.Contains("process_cpu_time"))).ShouldBeTrue();
        var first = await host.ScrapeAsync();
        poolSize = 9;
        cpuSeconds = 15.5;
        var second = await host.ScrapeAsync();

        first.ShouldContain("pool_size 7\n");
        first.ShouldContain("process_cpu_time_seconds_total{mode=\"user\"} 10\n");
        second.ShouldContain("pool_size 9\n");
        second.ShouldContain("process_cpu_time_seconds_total{mode=\"user\"} 15.5\n");
    }

    [Fact]
    public async Task Unknown_tag_keys_are_dropped_with_one_warning_and_the_value_still_counts()
    {
        await using var host = await StartAsync();
        using var meter = new Meter(_meterName);
        var jobs = meter.CreateCounter<int>("jobs.done");

        jobs.Add(1, new KeyValuePair<string, object?>("queue", "a"));
        jobs.Add(1, new KeyValuePair<string, object?>("queue", "a"), new KeyValuePair<string, object?>("worker", "7"));
        jobs.Add(1, new KeyValuePair<string, object?>("queue", "a"), new KeyValuePair<string, object?>("worker", "8"));
        jobs.Add(1);

        var text = await host.ScrapeAsync();
        text.ShouldContain("jobs_done_total{queue=\"a\"} 3\n");
        text.ShouldContain("jobs_done_total{queue=\"\"} 1\n");
        text.ShouldNotContain("worker");
        host.Logs.Entries.Count(e => e.Id.Id == 7 && e.Level == LogLevel.Warning).ShouldBe(1);
    }

    [Fact]
    public async Task Unlisted_meters_and_filtered_instruments_are_not_exported()
    {
        await using var host = await StartAsync(o => o.InstrumentFilter = i => i.Name != "hidden");
        using var meter = new Meter(_meterName);
        using var other = new Meter(_meterName + ".Other");
        meter.CreateCounter<int>("hidden").Add(1);
        meter.CreateCounter<int>("shown").Add(1);
        other.CreateCounter<int>("elsewhere").Add(1);

        var text = await host.ScrapeAsync();
        text.ShouldContain("shown_total 1\n");
        text.ShouldNotContain("hidden");
        text.ShouldNotContain("elsewhere");
    }

    [Fact]
    public async Task A_name_taken_by_a_different_metric_is_ignored_with_a_warning()
    {
        await using var host = await StartAsync();
        using var meter = new Meter(_meterName);
        meter.CreateCounter<int>("clash", "{x}").Add(1, new KeyValuePair<string, object?>("a", "1"));
        meter.CreateHistogram<int>("clash.total").Record(1);

        var text = await host.ScrapeAsync();
        text.ShouldContain("clash_total{a=\"1\"} 1\n");
        host.Logs.Entries.ShouldContain(e => e.Id.Id == 8);
    }

    [Fact]
    public async Task Wildcards_select_meters_by_prefix()
    {
        await using var host = await StartAsync(o => o.Meters.Add(_meterName + ".Sub.*"));
        using var meter = new Meter(_meterName + ".Sub.Deep");

        meter.CreateCounter<long>("deep.events").Add(4);

        (await host.ScrapeAsync()).ShouldContain("deep_events_total 4\n");
    }
}
