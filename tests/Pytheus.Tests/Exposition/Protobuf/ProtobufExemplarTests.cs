using Microsoft.Extensions.Time.Testing;
using Pytheus.Backends;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;
using static Pytheus.Tests.Shared.PrometheusProtobufReader;

namespace Pytheus.Tests.Exposition.Protobuf;

/// <summary>
/// Exemplars in the protobuf format, decoded as Prometheus reads them: a counter's in <c>Counter.exemplar</c>, a classic
/// bucket's in <c>Bucket.exemplar</c>, and a native histogram's also in <c>Histogram.exemplars</c>, oldest first.
/// </summary>
public class ProtobufExemplarTests
{
    private readonly CollectorRegistry _registry = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1796205600)); // 2026-12-02T10:00:00Z

    [Fact]
    public void A_local_counter_carries_its_latest_exemplar_with_labels_value_and_time()
    {
        var calls = Timed(new Counter("calls_total", "Calls.", ["route"], registry: _registry));
        calls.Labels(("route", "/a")).Inc(2, new Exemplar(("trace_id", "first")));
        _time.Advance(TimeSpan.FromMilliseconds(1500));
        calls.Labels(("route", "/a")).Inc(1.5, new Exemplar(("trace_id", "second"), ("span_id", "7")));
        calls.Labels(("route", "/b")).Inc();

        var metrics = Scrape().Single().Metrics;

        metrics[0].Counter.ShouldBe(3.5);
        Describe(metrics[0].CounterExemplar).ShouldBe("trace_id=second,span_id=7 1.5 @1796205601s500000000ns");
        metrics[1].Counter.ShouldBe(1);
        metrics[1].CounterExemplar.ShouldBeNull();
    }

    [Fact]
    public void Each_classic_bucket_carries_its_exemplar_and_an_exemplar_of_Inf_writes_that_bucket()
    {
        var latency = Timed(new Histogram("latency_seconds", "Latency.", buckets: [0.1, 1, 2], registry: _registry));
        latency.Observe(0.05, new Exemplar(("trace_id", "fast")));
        latency.Observe(0.7);
        _time.Advance(TimeSpan.FromMilliseconds(250));
        latency.Observe(5, new Exemplar(("trace_id", "very-slow")));

        var histogram = Scrape().Single().Metrics.Single().Histogram!;

        histogram.Buckets.ShouldBe([(1UL, 0.1), (2UL, 1.0), (2UL, 2.0), (3UL, double.PositiveInfinity)]);
        histogram.BucketExemplars.Select(Describe).ShouldBe([
            "trace_id=fast 0.05 @1796205600s0ns", null, null, "trace_id=very-slow 5 @1796205600s250000000ns"]);
        histogram.Exemplars.ShouldBeEmpty();
        histogram.Count.ShouldBe(3UL);
    }

    [Fact]
    public void Without_an_exemplar_of_Inf_its_bucket_is_left_out_as_before()
    {
        var latency = Timed(new Histogram("latency_seconds", "Latency.", buckets: [1], registry: _registry));
        latency.Observe(0.5, new Exemplar(("trace_id", "a")));
        latency.Observe(3);

        var histogram = Scrape().Single().Metrics.Single().Histogram!;

        histogram.Buckets.ShouldBe([(1UL, 1.0)]);
        histogram.BucketExemplars.Select(Describe).ShouldBe(["trace_id=a 0.5 @1796205600s0ns"]);
    }

    [Fact]
    public void A_native_histogram_repeats_its_bucket_exemplars_in_its_own_field_oldest_first()
    {
        var latency = Timed(new Histogram("rpc_seconds", "RPC.", buckets: [0.1, 1], registry: _registry,
            nativeHistogram: new NativeHistogramOptions { Schema = 0 }));
        latency.Observe(3, new Exemplar(("trace_id", "slow")));
        _time.Advance(TimeSpan.FromSeconds(2));
        latency.Observe(0.5, new Exemplar(("trace_id", "medium")));
        _time.Advance(TimeSpan.FromSeconds(1));
        latency.Observe(0.05, new Exemplar(("trace_id", "fast")));

        var histogram = Scrape().Single().Metrics.Single().Histogram!;

        histogram.Schema.ShouldBe(0);
        histogram.Side(negative: false).ShouldBe([(-4, 1L), (-1, 1L), (2, 1L)]);
        histogram.Exemplars.Select(Describe).ShouldBe([
            "trace_id=slow 3 @1796205600s0ns", "trace_id=medium 0.5 @1796205602s0ns", "trace_id=fast 0.05 @1796205603s0ns"]);
        histogram.BucketExemplars.Select(Describe).ShouldBe([
            "trace_id=fast 0.05 @1796205603s0ns", "trace_id=medium 0.5 @1796205602s0ns", "trace_id=slow 3 @1796205600s0ns"]);
    }

    [Fact]
    public void A_native_only_histogram_carries_its_latest_exemplar()
    {
        var latency = Timed(new Histogram("rpc_seconds", "RPC.", registry: _registry, nativeHistogram: new NativeHistogramOptions()));
        latency.Observe(0.2, new Exemplar(("trace_id", "old")));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        latency.Observe(0.3, new Exemplar(("trace_id", "new")));

        var histogram = Scrape().Single().Metrics.Single().Histogram!;

        histogram.Exemplars.Select(Describe).ShouldBe(["trace_id=new 0.3 @1796205600s1000000ns"]);
        histogram.Buckets.ShouldBe([(2UL, double.PositiveInfinity)]);
        histogram.Side(negative: false).Sum(b => b.Count).ShouldBe(2);
    }

    [Fact]
    public void Collected_series_carry_the_exemplars_of_their_snapshots()
    {
        var counter = new Counter("c_total", "C.", ["k"], registry: new CollectorRegistry()).Family.Definition;
        var histogram = new Histogram("h", "H.", buckets: [1], registry: new CollectorRegistry(),
            nativeHistogram: new NativeHistogramOptions { Schema = 0 }).Family.Definition;
        var trace = new Exemplar(("trace_id", "abc"));
        var counterSeries = new SeriesSnapshot(["x"], [4]) { Exemplars = [new ExemplarSample(trace, 4, 1796205601.123)] };
        // A time before 1970 counts whole seconds down and nanoseconds up, as google.protobuf.Timestamp does.
        var histogramSeries = new SeriesSnapshot([], [1, 1, 2.5, 0])
        {
            NativeBuckets = [new(new(0, 0, false), 1), new(new(0, 1, false), 1)],
            Exemplars = [null, new ExemplarSample(trace, 1.5, -1.5)],
        };

        var families = Read(ProtobufFormat.Render([
            new MetricSnapshot("c_total", counter, [counterSeries, new SeriesSnapshot(["y"], [1])]),
            new MetricSnapshot("h", histogram, [histogramSeries])]));

        Describe(families[0].Metrics[0].CounterExemplar).ShouldBe("trace_id=abc 4 @1796205601s123000000ns");
        families[0].Metrics[1].CounterExemplar.ShouldBeNull();
        var decoded = families[1].Metrics.Single().Histogram!;
        decoded.Buckets.ShouldBe([(1UL, 1.0), (2UL, double.PositiveInfinity)]);
        decoded.BucketExemplars.Select(Describe).ShouldBe([null, "trace_id=abc 1.5 @-2s500000000ns"]);
        decoded.Exemplars.Select(Describe).ShouldBe(["trace_id=abc 1.5 @-2s500000000ns"]);
    }

    [Fact]
    public void An_exemplar_whose_time_is_no_number_is_written_without_one()
    {
        var counter = new Counter("c_total", "C.", registry: new CollectorRegistry()).Family.Definition;
        var series = new SeriesSnapshot([], [1]) { Exemplars = [new ExemplarSample(new Exemplar(("a", "b")), 1, double.NaN)] };

        var exemplar = Read(ProtobufFormat.Render([new MetricSnapshot("c_total", counter, [series])])).Single().Metrics.Single().CounterExemplar!;

        exemplar.Labels.ShouldBe([("a", "b")]);
        exemplar.Timestamp.ShouldBeNull();
    }

    private T Timed<T>(T metric) where T : Pytheus.Metrics.Metric
    {
        metric.Family.Clock = _time;
        return metric;
    }

    private List<Family> Scrape()
    {
        using var body = new MemoryStream();
        MetricsExposition.WriteMetricsAsync(body, _registry, ExpositionFormat.Protobuf).GetAwaiter().GetResult();
        return Read(body.ToArray());
    }

    /// <summary><c>name=value,... value @{seconds}s{nanos}ns</c> (no <c>@</c> part without a timestamp), or null.</summary>
    private static string? Describe(DecodedExemplar? exemplar) => exemplar is null ? null
        : FormattableString.Invariant($"{string.Join(",", exemplar.Labels.Select(l => $"{l.Name}={l.Value}"))} {exemplar.Value}")
            + (exemplar.Timestamp is { } time ? $" @{time.Seconds}s{time.Nanos}ns" : "");
}
