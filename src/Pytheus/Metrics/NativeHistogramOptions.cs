using System.Globalization;
using Pytheus.Metrics.Native;

namespace Pytheus.Metrics;

/// <summary>
/// Native (sparse, exponential) buckets for a <see cref="Histogram"/>: no bucket bounds to choose, a resolution instead.
/// Bucket <c>i</c> of schema <c>s</c> holds the observations in <c>(base^(i-1), base^i]</c> with
/// <c>base = 2^(2^-s)</c>, mirrored for negative observations; those whose absolute value is at most
/// <see cref="ZeroThreshold"/> go to the zero bucket. Exposed in the Prometheus protobuf format only (text and
/// OpenMetrics show the classic buckets). The option names follow the Prometheus Go and Java clients.
/// </summary>
/// <remarks>
/// Give either <see cref="Schema"/> or <see cref="BucketFactor"/> (neither means schema <see cref="DefaultSchema"/>).
/// When a series would hold more than <see cref="MaxBucketCount"/> buckets, its schema is lowered (each step merges
/// pairs of buckets, halving the resolution) until it fits or reaches -4. The zero threshold is fixed; unlike the Go
/// client, the histogram is never reset to win back resolution (a reset is lost to every other process sharing it).
/// </remarks>
public sealed class NativeHistogramOptions
{
    /// <summary>The zero threshold unless told otherwise: 2^-128, as in the Prometheus Go and Java clients.</summary>
    public const double DefaultZeroThreshold = 2.938735877055719e-39;

    /// <summary>The schema when neither <see cref="Schema"/> nor <see cref="BucketFactor"/> is given (a factor of about 1.09, as the Go client's usual 1.1 gives).</summary>
    public const int DefaultSchema = 3;

    /// <summary>The bucket limit unless told otherwise (the Java client's default).</summary>
    public const int DefaultMaxBucketCount = 160;

    /// <summary>The resolution, -4 (each bucket 65536 times as wide as the one before) to 8 (about 0.27 % wider).</summary>
    public int? Schema { get; init; }

    /// <summary>
    /// The most a bucket's upper bound may exceed the one before, as a factor above 1 (the Go client's
    /// <c>NativeHistogramBucketFactor</c>): the schema with the largest factor <c>2^(2^-schema)</c> at most this is chosen
    /// (1.1 gives schema 3, factor 1.0905; 2 gives schema 0; below schema 8's factor 1.0027, schema 8).
    /// </summary>
    public double? BucketFactor { get; init; }

    /// <summary>Observations whose absolute value is at most this land in the zero bucket; 0 keeps only exact zeros there.</summary>
    public double ZeroThreshold { get; init; } = DefaultZeroThreshold;

    /// <summary>The most buckets (positive and negative together) a series keeps before its schema is lowered; 0 means no limit.</summary>
    public int MaxBucketCount { get; init; } = DefaultMaxBucketCount;

    /// <summary>The schema in effect: <see cref="Schema"/>, else the one <see cref="BucketFactor"/> gives, else <see cref="DefaultSchema"/>.</summary>
    public int EffectiveSchema => Schema ?? (BucketFactor is { } factor ? NativeSchema.ForFactor(factor) : DefaultSchema);

    /// <summary>Checks the options for the histogram <paramref name="metricName"/>.</summary>
    /// <exception cref="BucketException">A value is out of range, or both a schema and a bucket factor are given; the message names it.</exception>
    internal void Validate(string metricName)
    {
        if (Problem() is { } problem)
        {
            throw new BucketException($"Histogram '{metricName}': native histogram {problem.Text}.", "nativeHistogram." + problem.Option);
        }
    }

    /// <summary>The first value out of range, in words, and the option that holds it; null when the options are valid.</summary>
    internal (string Text, string Option)? Problem()
    {
        if (Schema is { } schema && BucketFactor is { } both)
        {
            return ($"give a schema ({schema}) or a bucket factor ({Format(both)}), not both", nameof(Schema));
        }
        if (Schema is < NativeSchema.Min or > NativeSchema.Max)
        {
            return ($"schema {Schema} is outside {NativeSchema.Min}..{NativeSchema.Max}", nameof(Schema));
        }
        if (BucketFactor is { } factor && !(factor > 1 && double.IsFinite(factor)))
        {
            return ($"bucket factor {Format(factor)} must be a finite number above 1", nameof(BucketFactor));
        }
        if (!(ZeroThreshold >= 0 && double.IsFinite(ZeroThreshold)))
        {
            return ($"zero threshold {Format(ZeroThreshold)} must be a finite number of at least 0", nameof(ZeroThreshold));
        }
        if (MaxBucketCount < 0)
        {
            return ($"max bucket count {MaxBucketCount} is negative (0 means no limit)", nameof(MaxBucketCount));
        }
        return null;
    }

    /// <summary>Whether two histograms' native buckets mean the same (schema, zero threshold and limit alike).</summary>
    internal bool SameAs(NativeHistogramOptions other) =>
        EffectiveSchema == other.EffectiveSchema && ZeroThreshold.Equals(other.ZeroThreshold) && MaxBucketCount == other.MaxBucketCount;

    /// <inheritdoc />
    public override string ToString() =>
        $"schema {EffectiveSchema}, zero threshold {Format(ZeroThreshold)}, max buckets {MaxBucketCount}";

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
