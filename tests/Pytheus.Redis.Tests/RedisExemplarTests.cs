using Microsoft.Extensions.Time.Testing;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Redis.Tests;

/// <summary>
/// Exemplars on a real redis-server: the latest exemplar of a counter series or histogram bucket is stored beside its
/// number — the latest by timestamp of every process, whichever flushed last — exposed in OpenMetrics from any process,
/// and removed with its series.
/// </summary>
[Collection(RedisCollection.Name)]
public class RedisExemplarTests(RedisServer server) : RedisTestBase(server)
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_latest_exemplar_by_time_wins_even_when_an_older_one_is_flushed_last()
    {
        var (early, earlyCounter, earlyHistogram) = Writer(Start);
        var (late, lateCounter, lateHistogram) = Writer(Start + TimeSpan.FromSeconds(5));
        lateCounter.Labels(("route", "/a")).Inc(1, new Exemplar(("trace_id", "late")));
        lateHistogram.Observe(0.5, new Exemplar(("trace_id", "late-slow")));
        await late.FlushAsync();
        earlyCounter.Labels(("route", "/a")).Inc(2, new Exemplar(("trace_id", "early")));
        earlyHistogram.Observe(0.05, new Exemplar(("trace_id", "early-fast")));
        earlyHistogram.Observe(0.7, new Exemplar(("trace_id", "early-slow")));
        await early.FlushAsync();

        var (reader, registry) = Reader();
        _ = reader;
        var text = MetricsExposition.GenerateMetrics(registry, ExpositionFormat.OpenMetrics);

        text.ShouldContain("rx_calls_total{route=\"/a\"} 3 # {trace_id=\"late\"} 1 1796205605\n");
        text.ShouldContain("rx_latency_seconds_bucket{le=\"0.1\"} 1 # {trace_id=\"early-fast\"} 0.05 1796205600\n");
        text.ShouldContain("rx_latency_seconds_bucket{le=\"1.0\"} 3 # {trace_id=\"late-slow\"} 0.5 1796205605\n");
        MetricsExposition.GenerateMetrics(registry).ShouldNotContain("trace_id");
    }

    [Fact]
    public async Task Removing_a_series_removes_its_exemplar_for_every_process()
    {
        var (writer, counter, _) = Writer(Start);
        counter.Labels(("route", "/a")).Inc(1, new Exemplar(("trace_id", "gone")));
        await writer.FlushAsync();

        counter.RemoveLabelValues("/a").ShouldBeTrue();
        await writer.FlushAsync();
        counter.Labels(("route", "/a")).Inc(1);
        await writer.FlushAsync();

        var (_, registry) = Reader();
        var text = MetricsExposition.GenerateMetrics(registry, ExpositionFormat.OpenMetrics);
        text.ShouldContain("rx_calls_total{route=\"/a\"} 1\n");
        text.ShouldNotContain("gone");
    }

    [Fact]
    public async Task A_protobuf_scrape_of_another_process_carries_the_exemplars_it_reads_from_Redis()
    {
        var (writer, counter, histogram) = Writer(Start + TimeSpan.FromMilliseconds(1500));
        counter.Labels(("route", "/a")).Inc(2, new Exemplar(("trace_id", "calls")));
        histogram.Observe(0.05, new Exemplar(("trace_id", "fast")));
        histogram.Observe(7, new Exemplar(("trace_id", "slowest")));
        await writer.FlushAsync();

        var (_, registry) = Reader();
        using var body = new MemoryStream();
        await MetricsExposition.WriteMetricsAsync(body, registry, ExpositionFormat.Protobuf);

        var families = PrometheusProtobufReader.Read(body.ToArray());
        var calls = families.Single(f => f.Name == "rx_calls_total").Metrics.Single();
        calls.Counter.ShouldBe(2);
        calls.CounterExemplar.ShouldBe(new PrometheusProtobufReader.DecodedExemplar([("trace_id", "calls")], 2, (1796205601, 500_000_000)), Same);
        var latency = families.Single(f => f.Name == "rx_latency_seconds").Metrics.Single().Histogram!;
        latency.Buckets.ShouldBe([(1UL, 0.1), (1UL, 1.0), (2UL, double.PositiveInfinity)]);
        latency.BucketExemplars[0].ShouldBe(new PrometheusProtobufReader.DecodedExemplar([("trace_id", "fast")], 0.05, (1796205601, 500_000_000)), Same);
        latency.BucketExemplars[1].ShouldBeNull();
        latency.BucketExemplars[2].ShouldBe(new PrometheusProtobufReader.DecodedExemplar([("trace_id", "slowest")], 7, (1796205601, 500_000_000)), Same);
    }

    /// <summary>Decoded exemplars compared by content (their label lists are lists).</summary>
    private static readonly IEqualityComparer<PrometheusProtobufReader.DecodedExemplar?> Same = EqualityComparer<PrometheusProtobufReader.DecodedExemplar?>.Create(
        (x, y) => x is not null && y is not null && x.Labels.SequenceEqual(y.Labels) && x.Value.Equals(y.Value) && x.Timestamp == y.Timestamp);

    private (Pytheus.Backends.Redis.RedisBackend Backend, Counter Counter, Histogram Histogram) Writer(DateTimeOffset now)
    {
        var backend = NewBackend();
        var registry = new CollectorRegistry();
        var counter = On(backend, () => new Counter("rx_calls_total", "Calls", ["route"], registry: registry));
        var histogram = On(backend, () => new Histogram("rx_latency_seconds", "Latency", buckets: [0.1, 1], registry: registry));
        counter.Family.Clock = new FakeTimeProvider(now);
        histogram.Family.Clock = new FakeTimeProvider(now);
        return (backend, counter, histogram);
    }

    private (Pytheus.Backends.Redis.RedisBackend Backend, CollectorRegistry Registry) Reader()
    {
        var backend = NewBackend();
        var registry = new CollectorRegistry();
        On(backend, () => new Counter("rx_calls_total", "Calls", ["route"], registry: registry));
        On(backend, () => new Histogram("rx_latency_seconds", "Latency", buckets: [0.1, 1], registry: registry));
        return (backend, registry);
    }
}
