using Pytheus.Backends;
using Pytheus.Backends.Redis;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Redis.Tests.Native;

/// <summary>Native histogram buckets stored as sparse hash fields, summed across backends (processes) and merged to one schema.</summary>
[Collection(RedisCollection.Name)]
public class RedisNativeHistogramTests(RedisServer server) : RedisTestBase(server)
{
    private const double Threshold = NativeHistogramOptions.DefaultZeroThreshold;

    [Fact]
    public async Task Buckets_are_hash_fields_and_a_scrape_reads_them_back_exactly()
    {
        var backend = NewBackend();
        var registry = new CollectorRegistry();
        var histogram = On(backend, () => new Histogram("rt_seconds", "RT", ["route"], registry: registry,
            nativeHistogram: new NativeHistogramOptions { Schema = 2 })).Labels(("route", "a"));
        var expected = new NativeExpectation();
        foreach (var value in new[] { 0.25, 1, 1, 3, -2, 0, 1e6 })
        {
            histogram.Observe(value);
            expected.Add(value);
        }
        await backend.FlushAsync();

        var key = KeyOf(histogram);
        // At schema 2 (base 2^(1/4)): 3 is in bucket ceil(4·log2 3) = 7, 1 in bucket 0, -2 in negative bucket 4.
        Server.Command("HGET", key, "nh:p:2:7|{\"route\":\"a\"}").ShouldEndWith("\r\n1");
        Server.Command("HGET", key, "nh:p:2:0|{\"route\":\"a\"}").ShouldEndWith("\r\n2");
        Server.Command("HGET", key, "nh:n:2:4|{\"route\":\"a\"}").ShouldEndWith("\r\n1");
        Server.Command("HGET", key, "nh:zero|{\"route\":\"a\"}").ShouldEndWith("\r\n1");

        var native = await ScrapeNative(registry);
        AssertMatches(native, expected, schema: 2);
    }

    [Fact]
    public async Task Backends_that_lowered_their_schemas_differently_are_merged_to_the_lowest()
    {
        var registry = new CollectorRegistry();
        var fine = NewBackend();
        var limited = NewBackend();
        var fineSeries = On(fine, () => new Histogram("mix_seconds", "Mix", registry: registry,
            nativeHistogram: new NativeHistogramOptions { Schema = 4, MaxBucketCount = 0 }));
        var limitedSeries = On(limited, () => new Histogram("mix_seconds", "Mix", registry: new CollectorRegistry(),
            nativeHistogram: new NativeHistogramOptions { Schema = 4, MaxBucketCount = 10 }));
        var expected = new NativeExpectation();
        var limitedValues = new List<double>();
        for (var j = 0; j < 400; j++)
        {
            var a = Pytheus.Tests.Shared.NativeWorkload.Value(0, j);
            var b = Pytheus.Tests.Shared.NativeWorkload.Value(1, j);
            fineSeries.Observe(a);
            limitedSeries.Observe(b);
            expected.Add(a);
            expected.Add(b);
            limitedValues.Add(b);
        }
        await limited.FlushAsync();

        var lowest = NativeExpectation.SchemaAfter(limitedValues, 4, 10, Threshold);
        lowest.ShouldBeLessThan(4);
        limitedSeries.NativeSchemaInUse.ShouldBe(lowest);
        fineSeries.NativeSchemaInUse.ShouldBe(4);
        AssertMatches(await ScrapeNative(registry), expected, lowest);
    }

    [Fact]
    public async Task Removing_a_series_removes_every_native_bucket_field_for_every_process()
    {
        var registry = new CollectorRegistry();
        var one = NewBackend();
        var other = NewBackend();
        var histogram = On(one, () => new Histogram("gone_seconds", "Gone", ["k"], registry: registry, nativeHistogram: new NativeHistogramOptions()));
        var elsewhere = On(other, () => new Histogram("gone_seconds", "Gone", ["k"], registry: new CollectorRegistry(), nativeHistogram: new NativeHistogramOptions()));
        histogram.Labels(("k", "x")).Observe(1);
        elsewhere.Labels(("k", "x")).Observe(7);
        elsewhere.Labels(("k", "y")).Observe(7);
        await other.FlushAsync();
        await one.FlushAsync();

        histogram.RemoveLabelValues("x");
        await one.FlushAsync();

        Server.Command("HKEYS", KeyOf(histogram)).ShouldNotContain("\"x\"");
        Server.Command("HGET", KeyOf(histogram), "nh:p:3:23|{\"k\":\"y\"}").ShouldEndWith("\r\n1");
        histogram.Labels(("k", "x")).Observe(2);
        var families = Pytheus.Tests.Shared.PrometheusProtobufReader.Read(await Protobuf(registry));
        var x = families.Single().Metrics.Single(m => m.Labels.Single().Value == "x").Histogram!;
        (x.Count, x.Sum).ShouldBe((1UL, 2.0));
        x.Side(negative: false).ShouldBe([(8, 1L)]);
    }

    private static void AssertMatches(Pytheus.Tests.Shared.PrometheusProtobufReader.DecodedHistogram native, NativeExpectation expected, int schema)
    {
        native.Schema.ShouldBe(schema);
        native.Count.ShouldBe((ulong)expected.Count);
        native.Sum.ShouldBe(expected.Sum);
        native.ZeroCount.ShouldBe((ulong)expected.ZeroCount(Threshold));
        native.Side(negative: false).ShouldBe(expected.Side(schema, negative: false, Threshold));
        native.Side(negative: true).ShouldBe(expected.Side(schema, negative: true, Threshold));
    }

    private static async Task<Pytheus.Tests.Shared.PrometheusProtobufReader.DecodedHistogram> ScrapeNative(CollectorRegistry registry) =>
        Pytheus.Tests.Shared.PrometheusProtobufReader.Read(await Protobuf(registry)).Single().Metrics.Single().Histogram!;

    internal static async Task<byte[]> Protobuf(CollectorRegistry registry)
    {
        using var body = new MemoryStream();
        await MetricsExposition.WriteMetricsAsync(body, registry, ExpositionFormat.Protobuf);
        return body.ToArray();
    }
}
