using Pytheus.Backends;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Metrics.Native;
using Pytheus.Registry;

namespace Pytheus.Tests.Metrics.Native;

public class NativeHistogramTests
{
    private readonly CollectorRegistry _registry = new();

    [Fact]
    public void Without_classic_buckets_only_the_inf_bucket_is_kept()
    {
        var histogram = new Histogram("h", "H", registry: _registry, nativeHistogram: new NativeHistogramOptions());
        histogram.Observe(0.3);
        histogram.Observe(double.NaN);

        histogram.UpperBounds.ShouldBe([double.PositiveInfinity]);
        histogram.NativeHistogram!.EffectiveSchema.ShouldBe(NativeHistogramOptions.DefaultSchema);
        MetricsExposition.GenerateMetrics(_registry).ShouldBe("""
            # HELP h H
            # TYPE h histogram
            h_bucket{le="+Inf"} 2
            h_sum NaN
            h_count 2

            """.Replace("\r\n", "\n"));
    }

    [Fact]
    public void Beside_classic_buckets_both_are_counted()
    {
        var histogram = new Histogram("h", "H", buckets: [1, 5], registry: _registry, nativeHistogram: new NativeHistogramOptions { Schema = 0 });
        histogram.Observe(0.7);
        histogram.Observe(3);
        histogram.Observe(3);
        histogram.Observe(9);

        histogram.GetBucketCounts().ShouldBe([1, 2, 1]);
        Native(histogram).ShouldBe([(0, 0, false, 1.0), (0, 2, false, 2.0), (0, 4, false, 1.0)]);
    }

    [Fact]
    public void An_observation_with_an_exemplar_is_counted_in_its_native_bucket_too()
    {
        var histogram = new Histogram("h", "H", buckets: [1, 5], registry: _registry, nativeHistogram: new NativeHistogramOptions { Schema = 0 });
        histogram.Observe(3, new Exemplar(("trace_id", "abc")));
        histogram.Observe(3);

        histogram.GetBucketCounts().ShouldBe([0, 2, 0]);
        Native(histogram).ShouldBe([(0, 2, false, 2.0)]);
    }

    [Fact]
    public void Observations_go_to_the_bucket_of_their_magnitude_on_their_side_or_to_the_zero_bucket()
    {
        var histogram = new Histogram("h", "H", registry: _registry, nativeHistogram: new NativeHistogramOptions { Schema = 3, ZeroThreshold = 1e-9 });
        foreach (var value in new[] { 1, 2, 3, -1.5, 0, 1e-10, -1e-9, double.NaN, double.PositiveInfinity })
        {
            histogram.Observe(value);
        }
        histogram.Observe(2, 4);

        Native(histogram).ShouldBe([
            (3, 0, false, 1.0), (3, 8, false, 5.0), (3, 13, false, 1.0), (3, 5, true, 1.0),
            (3, NativeSchema.Index(double.MaxValue, 3) + 1, false, 1.0)]);
        var series = histogram.Family.CollectLocal().Single();
        series.Values[histogram.Family.NativeZeroIndex].ShouldBe(3);
        series.Values[0].ShouldBe(13);
    }

    [Fact]
    public void A_zero_threshold_of_zero_keeps_only_exact_zeros_in_the_zero_bucket()
    {
        var histogram = new Histogram("h", "H", registry: _registry, nativeHistogram: new NativeHistogramOptions { Schema = 0, ZeroThreshold = 0 });
        histogram.Observe(0);
        histogram.Observe(-0.0);
        histogram.Observe(double.Epsilon);

        histogram.Family.CollectLocal().Single().Values[histogram.Family.NativeZeroIndex].ShouldBe(2);
        Native(histogram).ShouldBe([(0, -1074, false, 1.0)]);
    }

    [Fact]
    public void Past_the_bucket_limit_the_schema_is_lowered_until_the_buckets_fit()
    {
        var histogram = new Histogram("h", "H", registry: _registry, nativeHistogram: new NativeHistogramOptions { Schema = 3, MaxBucketCount = 4 });
        foreach (var value in new[] { 1.0, 2, 4, 8 })
        {
            histogram.Observe(value);
        }
        histogram.NativeSchemaInUse.ShouldBe(3);

        // A fifth bucket: schemas 2, 1 and 0 still hold five, schema -1 holds (1, 4] and (4, 16] and 1 itself: three.
        histogram.Observe(16);
        histogram.Observe(3);

        histogram.NativeSchemaInUse.ShouldBe(-1);
        var merged = NativeBuckets.Merge(histogram.ReadNativeBuckets()!, 3, 4);
        merged.Schema.ShouldBe(-1);
        merged.Positive.ToArray().ShouldBe([new(0, 1.0), new(1, 3.0), new(2, 2.0)]);
        merged.Negative.IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void Merging_lowers_the_schema_further_while_more_buckets_than_the_limit_remain()
    {
        NativeBucketCount[] buckets = [new(new(2, 1, false), 1), new(new(2, 5, false), 2), new(new(1, 7, true), 3), new(new(2, 9, false), 0)];

        var merged = NativeBuckets.Merge(buckets, 2, 0);
        merged.Schema.ShouldBe(1);
        merged.Positive.ToArray().ShouldBe([new(1, 1.0), new(3, 2.0)]);
        merged.Negative.ToArray().ShouldBe([new(7, 3.0)]);

        var limited = NativeBuckets.Merge(buckets, 2, 2);
        limited.Schema.ShouldBe(-1);
        limited.Positive.ToArray().ShouldBe([new(1, 3.0)]);
        limited.Negative.ToArray().ShouldBe([new(2, 3.0)]);
    }

    [Fact]
    public void Concurrent_observations_while_the_schema_is_lowered_are_all_counted()
    {
        var histogram = new Histogram("h", "H", registry: _registry, nativeHistogram: new NativeHistogramOptions { Schema = 8, MaxBucketCount = 20 });
        const int Threads = 4;
        const int PerThread = 20_000;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, thread =>
        {
            var random = new Random(thread);
            for (var i = 0; i < PerThread; i++)
            {
                histogram.Observe((random.NextDouble() - 0.3) * 1000);
            }
        });

        var merged = NativeBuckets.Merge(histogram.ReadNativeBuckets()!, 8, 20);
        var zero = histogram.Family.CollectLocal().Single().Values[histogram.Family.NativeZeroIndex];
        (merged.Positive.ToArray().Sum(b => b.Value) + merged.Negative.ToArray().Sum(b => b.Value) + zero).ShouldBe(Threads * PerThread);
        (merged.Positive.Length + merged.Negative.Length).ShouldBeLessThanOrEqualTo(20);
        histogram.GetCount().ShouldBe(Threads * PerThread);
    }

    [Theory]
    [InlineData(9, null, 2.9e-39, 160, "schema 9 is outside -4..8")]
    [InlineData(-5, null, 2.9e-39, 160, "schema -5 is outside -4..8")]
    [InlineData(null, 1.0, 2.9e-39, 160, "bucket factor 1 must be a finite number above 1")]
    [InlineData(3, 1.1, 2.9e-39, 160, "give a schema (3) or a bucket factor (1.1), not both")]
    [InlineData(null, null, -1.0, 160, "zero threshold -1 must be a finite number of at least 0")]
    [InlineData(null, null, double.NaN, 160, "zero threshold NaN must be a finite number of at least 0")]
    [InlineData(null, null, 2.9e-39, -1, "max bucket count -1 is negative")]
    public void Bad_options_are_refused_with_the_value_named(int? schema, double? factor, double threshold, int max, string problem)
    {
        var error = Should.Throw<BucketException>(() => new Histogram("latency", "L", registry: _registry,
            nativeHistogram: new NativeHistogramOptions { Schema = schema, BucketFactor = factor, ZeroThreshold = threshold, MaxBucketCount = max }));

        error.Message.ShouldContain("Histogram 'latency': native histogram " + problem);
        _registry.Collectors.ShouldBeEmpty();
    }

    [Fact]
    public void The_same_name_with_other_native_options_conflicts()
    {
        _ = new Histogram("h", "H", registry: _registry, nativeHistogram: new NativeHistogramOptions { Schema = 2 });

        Should.Throw<MetricConflictException>(() => new Histogram("h", "H", registry: _registry, nativeHistogram: new NativeHistogramOptions { Schema = 3 }))
            .Message.ShouldContain("native buckets");
        Should.Throw<MetricConflictException>(() => new Histogram("h", "H", buckets: [double.PositiveInfinity], registry: _registry));
        new Histogram("h", "H", registry: _registry, nativeHistogram: new NativeHistogramOptions { BucketFactor = 1.2 })
            .NativeHistogram!.EffectiveSchema.ShouldBe(2);
    }

    private static (int Schema, int Index, bool Negative, double Count)[] Native(Histogram histogram) =>
        [.. histogram.ReadNativeBuckets()!.Select(b => (b.Bucket.Schema, b.Bucket.Index, b.Bucket.IsNegative, b.Count))];
}
