using System.Net;
using System.Net.Http.Headers;
using Pytheus.Backends;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;
using static Pytheus.Tests.Shared.PrometheusProtobufReader;

namespace Pytheus.Tests.Exposition.Protobuf;

/// <summary>What the protobuf format writes, decoded field by field as a Prometheus server reads it.</summary>
public class ProtobufFormatTests
{
    private const string PrometheusNativeAccept =
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.8," +
        "application/openmetrics-text;version=1.0.0;q=0.7,text/plain;version=0.0.4;q=0.6,*/*;q=0.5";

    private readonly CollectorRegistry _registry = new();

    [Fact]
    public async Task Every_metric_type_is_written_with_its_labels_help_and_values()
    {
        new Counter("requests_total", "Requests.", ["code", "method"], registry: _registry).Labels(("code", "200"), ("method", "GET")).Inc(7);
        new Gauge("temperature", "Temperature \"now\".", registry: _registry).Set(-3.5);
        var summary = new Summary("payload_bytes", "Payload.", registry: _registry);
        summary.Observe(10);
        summary.Observe(32.5);
        var classic = new Histogram("latency_seconds", "Latency.", buckets: [0.1, 1], registry: _registry);
        classic.Observe(0.05);
        classic.Observe(0.5);
        classic.Observe(0.7);
        classic.Observe(3);

        var families = Read(await Scrape(_registry));

        families.Select(f => (f.Name, f.Help, f.Type)).ShouldBe([
            ("requests_total", "Requests.", 0), ("temperature", "Temperature \"now\".", 1), ("payload_bytes", "Payload.", 2), ("latency_seconds", "Latency.", 4)]);
        var counter = families[0].Metrics.Single();
        counter.Labels.ShouldBe([("code", "200"), ("method", "GET")]);
        counter.Counter.ShouldBe(7);
        families[1].Metrics.Single().Gauge.ShouldBe(-3.5);
        families[1].Metrics.Single().Labels.ShouldBeEmpty();
        families[2].Metrics.Single().Summary.ShouldBe((2UL, 42.5));
        var histogram = families[3].Metrics.Single().Histogram!;
        histogram.Count.ShouldBe(4UL);
        histogram.Sum.ShouldBe(4.25);
        histogram.Buckets.ShouldBe([(1UL, 0.1), (3UL, 1.0)]);
        histogram.Schema.ShouldBeNull();
        histogram.PositiveSpans.ShouldBeEmpty();
    }

    [Fact]
    public async Task Summary_quantiles_are_written_after_count_and_sum()
    {
        var summary = new Summary("rpc_seconds", "RPC.", registry: _registry, objectives: [0.5, 0.9]);
        for (var i = 1; i <= 100; i++)
        {
            summary.Observe(i);
        }

        var metric = Read(await Scrape(_registry)).Single().Metrics.Single();

        metric.Summary.ShouldBe((100UL, 5050.0));
        metric.Quantiles.ShouldBe([(0.5, summary.GetQuantile(0.5)), (0.9, summary.GetQuantile(0.9))]);
        metric.Quantiles[1].Value.ShouldBeInRange(89, 91);
    }

    [Fact]
    public async Task Native_buckets_are_written_as_spans_and_deltas_beside_the_zero_bucket()
    {
        var histogram = new Histogram("native_seconds", "Native.", ["route"], registry: _registry,
            nativeHistogram: new NativeHistogramOptions { Schema = 0 }).Labels(("route", "/a"));
        foreach (var value in new[] { 1, 2, 2, 8, -0.5, 0 })
        {
            histogram.Observe(value);
        }

        var metric = Read(await Scrape(_registry)).Single().Metrics.Single();

        metric.Labels.ShouldBe([("route", "/a")]);
        var native = metric.Histogram!;
        native.Count.ShouldBe(6UL);
        native.Sum.ShouldBe(12.5);
        native.Buckets.ShouldBeEmpty();
        native.Schema.ShouldBe(0);
        native.ZeroThreshold.ShouldBe(NativeHistogramOptions.DefaultZeroThreshold);
        native.ZeroCount.ShouldBe(1UL);
        // Buckets (0.5,1]: 1, (1,2]: 2, (4,8]: 1 — two runs, the second one bucket after a gap of one.
        native.PositiveSpans.ShouldBe([(0, 2u), (1, 1u)]);
        native.PositiveDeltas.ShouldBe([1L, 1L, -1L]);
        native.NegativeSpans.ShouldBe([(-1, 1u)]);
        native.NegativeDeltas.ShouldBe([1L]);
    }

    [Fact]
    public async Task Classic_and_native_buckets_are_written_together()
    {
        var histogram = new Histogram("both", "Both.", buckets: [1], registry: _registry, nativeHistogram: new NativeHistogramOptions { Schema = 2 });
        histogram.Observe(0.9);
        histogram.Observe(1.5);

        var native = Read(await Scrape(_registry)).Single().Metrics.Single().Histogram!;

        native.Buckets.ShouldBe([(1UL, 1.0)]);
        native.Schema.ShouldBe(2);
        native.Side(negative: false).ShouldBe([(0, 1L), (3, 1L)]);
    }

    [Fact]
    public async Task A_native_histogram_without_observations_still_shows_it_is_native()
    {
        _ = new Histogram("empty", "Empty.", registry: _registry, nativeHistogram: new NativeHistogramOptions { ZeroThreshold = 0 });

        var native = Read(await Scrape(_registry)).Single().Metrics.Single().Histogram!;

        native.Count.ShouldBe(0UL);
        native.Schema.ShouldBe(NativeHistogramOptions.DefaultSchema);
        native.ZeroThreshold.ShouldBe(0);
        native.PositiveSpans.ShouldBe([(0, 0u)]);
        native.PositiveDeltas.ShouldBeEmpty();
    }

    [Fact]
    public void Collected_series_of_several_schemas_are_merged_to_the_lowest_and_limited()
    {
        var family = new Histogram("shared", "Shared.", registry: new CollectorRegistry(),
            nativeHistogram: new NativeHistogramOptions { Schema = 3, MaxBucketCount = 3 }).Family.Definition;
        // As a shared backend reads them: one process still at schema 3, another already lowered to 1.
        var series = new SeriesSnapshot([], [6, 21.5, 0]) // +Inf bucket, sum, zero count
        {
            NativeBuckets = [new(new(3, 1, false), 1), new(new(3, 2, false), 2), new(new(1, 1, false), 1), new(new(1, 3, false), 1), new(new(3, 40, false), 1)],
        };

        var native = Read(ProtobufFormat.Render([new MetricSnapshot("shared", family, [series])])).Single().Metrics.Single().Histogram!;

        // Schema 1: indexes 1, 1, 1, 3, 10 -> three buckets, within the limit of 3.
        native.Schema.ShouldBe(1);
        native.Side(negative: false).ShouldBe([(1, 4L), (3, 1L), (10, 1L)]);
        native.Count.ShouldBe(6UL);
    }

    [Fact]
    public void Consecutive_snapshots_of_one_name_are_one_family()
    {
        var family = new Gauge("g", "G.", ["a"], registry: new CollectorRegistry()).Family.Definition;

        var families = Read(ProtobufFormat.Render([
            new MetricSnapshot("g", family, [new SeriesSnapshot(["x"], [1])]),
            new MetricSnapshot("g", family, [new SeriesSnapshot(["y"], [2])])]));

        families.Single().Metrics.Select(m => (m.Labels.Single().Value, m.Gauge)).ShouldBe([("x", (double?)1), ("y", 2)]);
    }

    [Fact]
    public void The_text_formats_are_not_changed_by_native_buckets()
    {
        new Histogram("h", "H", buckets: [1], registry: _registry, nativeHistogram: new NativeHistogramOptions()).Observe(0.5);

        MetricsExposition.GenerateMetrics(_registry).ShouldBe("# HELP h H\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 0.5\nh_count 1\n");
        Should.Throw<ArgumentException>(() => MetricsExposition.GenerateMetrics(_registry, ExpositionFormat.Protobuf));
    }

    [Theory]
    [InlineData(PrometheusNativeAccept, ExpositionFormat.Protobuf)]
    [InlineData("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited", ExpositionFormat.Protobuf)]
    [InlineData("application/vnd.google.protobuf; encoding=delimited", ExpositionFormat.Protobuf)]
    [InlineData("APPLICATION/VND.GOOGLE.PROTOBUF;PROTO=io.prometheus.client.MetricFamily;ENCODING=DELIMITED", ExpositionFormat.Protobuf)]
    [InlineData("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text", ExpositionFormat.PrometheusText)]
    [InlineData("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily", ExpositionFormat.PrometheusText)]
    [InlineData("application/vnd.google.protobuf;proto=other.Message;encoding=delimited", ExpositionFormat.PrometheusText)]
    [InlineData("application/vnd.google.protobuf;encoding=delimited;q=0", ExpositionFormat.PrometheusText)]
    [InlineData("application/vnd.google.protobuf;encoding=delimited;q=0.5,text/plain;q=0.5", ExpositionFormat.PrometheusText)]
    [InlineData("application/vnd.google.protobuf;encoding=delimited;q=0.5,application/openmetrics-text;q=0.6", ExpositionFormat.OpenMetrics)]
    [InlineData("application/vnd.google.protobuf;encoding=delimited;q=0.7,application/openmetrics-text;q=0.6", ExpositionFormat.Protobuf)]
    [InlineData("application/*", ExpositionFormat.OpenMetrics)]
    [InlineData("*/*", ExpositionFormat.PrometheusText)]
    public void Protobuf_is_chosen_only_when_named_delimited_and_preferred(string accept, ExpositionFormat expected)
    {
        var answer = ScrapeResponse.Negotiate(accept, null);

        answer.Format.ShouldBe(expected);
        answer.ContentType.ShouldBe(MetricsExposition.ContentType(expected));
    }

    [Fact]
    public async Task The_metrics_server_answers_a_Prometheus_asking_for_protobuf()
    {
        new Histogram("served", "Served.", registry: _registry, nativeHistogram: new NativeHistogramOptions { Schema = 1 }).Observe(3);
        using var server = MetricsServerTests.StartOnFreePort(new MetricsServerOptions { Registry = _registry });
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Url);
        request.Headers.TryAddWithoutValidation("Accept", PrometheusNativeAccept);

        using var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().ShouldBe(ProtobufFormat.ContentType);
        var native = Read(await response.Content.ReadAsByteArrayAsync()).Single().Metrics.Single().Histogram!;
        native.Schema.ShouldBe(1);
        native.Side(negative: false).ShouldBe([(4, 1L)]);
    }

    private static async Task<byte[]> Scrape(CollectorRegistry registry)
    {
        using var body = new MemoryStream();
        await MetricsExposition.WriteMetricsAsync(body, registry, ExpositionFormat.Protobuf);
        return body.ToArray();
    }
}
