using Pytheus.Backends;
using Pytheus.Metrics;
using Pytheus.Metrics.Native;

namespace Pytheus.Exposition.Protobuf;

/// <summary>
/// Encodes a series' <c>Histogram</c> message: count, sum and classic buckets (with their exemplars), and for a histogram
/// with native buckets its schema, zero bucket, spans and deltas, and its exemplars again in the native histogram's own
/// field, which is where a Prometheus server looks for a native histogram's exemplars. Buffers are kept between series.
/// </summary>
internal sealed class HistogramEncoder(ProtobufWriter output)
{
    // Histogram
    private const int SampleCount = 1;
    private const int SampleSum = 2;
    private const int Bucket = 3;
    private const int Schema = 5;
    private const int ZeroThreshold = 6;
    private const int ZeroCount = 7;
    private const int NegativeSpan = 9;
    private const int NegativeDelta = 10;
    private const int PositiveSpan = 12;
    private const int PositiveDelta = 13;
    private const int Exemplars = 16;

    // Bucket (cumulative count 1, upper bound 2, exemplar 3) and BucketSpan (offset 1, length 2).
    private const int BucketCount = 1;
    private const int BucketUpperBound = 2;
    private const int BucketExemplar = 3;
    private const int SpanOffset = 1;
    private const int SpanLength = 2;

    private ExemplarSample[] _exemplars = new ExemplarSample[4];

    /// <summary>The native buckets of the series about to be written (filled by the caller, merged here).</summary>
    public NativeBuckets Native { get; } = new();

    /// <summary>Writes the series' Histogram message as field <paramref name="field"/> of its Metric.</summary>
    public void Write(int field, MetricDefinition family, ReadOnlySpan<double> values, SeriesExemplars exemplars)
    {
        var histogram = output.BeginMessage(field);
        var bounds = family.UpperBounds;
        var count = 0.0;
        for (var i = 0; i < bounds.Count; i++)
        {
            count += values[i];
        }
        output.WriteUInt64(SampleCount, MetricFamilyEncoder.Count(count));
        output.WriteDouble(SampleSum, values[family.SumIndex]);
        WriteClassicBuckets(bounds, values, exemplars);
        if (family.NativeHistogram is { } options)
        {
            WriteNative(options, values[family.NativeZeroIndex]);
            WriteNativeExemplars(bounds.Count, exemplars);
        }
        output.EndMessage(histogram);
    }

    /// <summary>
    /// Every bucket but <c>+Inf</c>, which the count implies — unless it holds an exemplar, which needs a bucket to be
    /// written in (as the Go client does). A native-only histogram has only <c>+Inf</c>.
    /// </summary>
    private void WriteClassicBuckets(IReadOnlyList<double> bounds, ReadOnlySpan<double> values, SeriesExemplars exemplars)
    {
        var cumulative = 0.0;
        for (var i = 0; i < bounds.Count; i++)
        {
            cumulative += values[i];
            var exemplar = exemplars.At(i);
            if (i == bounds.Count - 1 && exemplar is null)
            {
                return;
            }
            var bucket = output.BeginMessage(Bucket);
            output.WriteUInt64(BucketCount, MetricFamilyEncoder.Count(cumulative));
            output.WriteDouble(BucketUpperBound, bounds[i]);
            if (exemplar is not null)
            {
                ProtobufExemplar.Write(output, BucketExemplar, exemplar);
            }
            output.EndMessage(bucket);
        }
    }

    private void WriteNative(NativeHistogramOptions options, double zeroCount)
    {
        Native.Merge(options.EffectiveSchema, options.MaxBucketCount);
        output.WriteSInt64(Schema, Native.Schema);
        output.WriteDouble(ZeroThreshold, options.ZeroThreshold);
        output.WriteUInt64(ZeroCount, MetricFamilyEncoder.Count(zeroCount));
        WriteSide(Native.Negative, NegativeSpan, NegativeDelta);
        if (Native.Positive.IsEmpty && Native.Negative.IsEmpty)
        {
            // One span of no bucket, so that a reader that tells native from classic histograms by their spans still
            // sees a native one (as the Go client does).
            var span = output.BeginMessage(PositiveSpan);
            output.WriteSInt64(SpanOffset, 0);
            output.WriteUInt64(SpanLength, 0);
            output.EndMessage(span);
            return;
        }
        WriteSide(Native.Positive, PositiveSpan, PositiveDelta);
    }

    /// <summary>
    /// One side as runs of consecutive buckets (spans: the gap from the previous run's end, or the first index, and the
    /// run's length), then each bucket's count as the difference from the bucket before it (the first from zero).
    /// </summary>
    private void WriteSide(ReadOnlySpan<KeyValuePair<int, double>> buckets, int spanField, int deltaField)
    {
        var nextIndex = 0;
        for (var start = 0; start < buckets.Length;)
        {
            var end = start + 1;
            while (end < buckets.Length && buckets[end].Key == buckets[end - 1].Key + 1)
            {
                end++;
            }
            var span = output.BeginMessage(spanField);
            output.WriteSInt64(SpanOffset, start == 0 ? buckets[start].Key : buckets[start].Key - nextIndex);
            output.WriteUInt64(SpanLength, (ulong)(end - start));
            output.EndMessage(span);
            nextIndex = buckets[end - 1].Key + 1;
            start = end;
        }
        var previous = 0L;
        foreach (var (_, value) in buckets)
        {
            var count = (long)value;
            output.WriteSInt64(deltaField, count - previous);
            previous = count;
        }
    }

    /// <summary>
    /// The exemplars of every bucket again, oldest first: Prometheus reads a native histogram's exemplars from this
    /// field (and drops those older than the newest it has stored, so the order matters).
    /// </summary>
    private void WriteNativeExemplars(int slots, SeriesExemplars exemplars)
    {
        var count = 0;
        for (var slot = 0; slot < slots; slot++)
        {
            if (exemplars.At(slot) is not { } exemplar)
            {
                continue;
            }
            if (count == _exemplars.Length)
            {
                Array.Resize(ref _exemplars, count * 2);
            }
            // Insertion by timestamp: a series holds one exemplar per classic bucket at most, usually a few.
            var at = count++;
            while (at > 0 && _exemplars[at - 1].Timestamp > exemplar.Timestamp)
            {
                _exemplars[at] = _exemplars[at - 1];
                at--;
            }
            _exemplars[at] = exemplar;
        }
        for (var i = 0; i < count; i++)
        {
            ProtobufExemplar.Write(output, Exemplars, _exemplars[i]);
        }
        Array.Clear(_exemplars, 0, count);
    }
}
