using Google.Protobuf;
using Pytheus.Backends;
using Pytheus.Metrics;
using Pytheus.Metrics.Native;

namespace Pytheus.Exposition.Protobuf;

/// <summary>
/// One series as an <c>io.prometheus.client.Metric</c> message: its labels and the typed value its family's type calls
/// for. Values are read once, so the size computed (a message is preceded by its length) matches what is written.
/// Field numbers are those of Prometheus's <c>metrics.proto</c>.
/// </summary>
internal sealed class ProtobufSeries
{
    private const int TagSize = 1;
    private const int DoubleSize = 8;
    private const int QuantileSize = TagSize + DoubleSize + TagSize + DoubleSize;

    private readonly MetricDefinition _family;
    private readonly IReadOnlyList<string> _labelNames;
    private readonly IReadOnlyList<string> _labelValues;
    private readonly double[] _values;
    private readonly NativeBuckets? _native;
    private readonly NativeSpans _positive;
    private readonly NativeSpans _negative;
    private readonly int _valueSize;

    public ProtobufSeries(MetricDefinition family, IReadOnlyList<string> labelValues, double[] values, IReadOnlyList<NativeBucketCount>? nativeBuckets)
    {
        _family = family;
        _labelNames = family.ExpositionLabelNames;
        _labelValues = labelValues;
        _values = values;
        if (family.NativeHistogram is { } options)
        {
            _native = NativeBuckets.Merge(nativeBuckets ?? [], options.EffectiveSchema, options.MaxBucketCount);
            _positive = NativeSpans.Of(_native.Positive);
            _negative = NativeSpans.Of(_native.Negative);
        }
        _valueSize = ValueSize();
        Size = LabelsSize() + TagSize + CodedOutputStream.ComputeLengthSize(_valueSize) + _valueSize;
    }

    /// <summary>The size of the Metric message, without its own tag and length.</summary>
    public int Size { get; }

    public void WriteTo(CodedOutputStream output)
    {
        for (var i = 0; i < _labelNames.Count; i++)
        {
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteLength(LabelPairSize(i));
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteString(_labelNames[i]);
            output.WriteTag(2, WireFormat.WireType.LengthDelimited);
            output.WriteString(_labelValues[i]);
        }
        output.WriteTag(ValueField, WireFormat.WireType.LengthDelimited);
        output.WriteLength(_valueSize);
        switch (_family.Type)
        {
            case MetricType.Histogram:
                WriteHistogram(output);
                break;
            case MetricType.Summary:
                output.WriteTag(1, WireFormat.WireType.Varint);
                output.WriteUInt64(Count(_values[1]));
                output.WriteTag(2, WireFormat.WireType.Fixed64);
                output.WriteDouble(_values[0]);
                for (var i = 0; i < _family.Objectives.Count; i++)
                {
                    output.WriteTag(3, WireFormat.WireType.LengthDelimited);
                    output.WriteLength(QuantileSize);
                    output.WriteTag(1, WireFormat.WireType.Fixed64);
                    output.WriteDouble(_family.Objectives[i]);
                    output.WriteTag(2, WireFormat.WireType.Fixed64);
                    output.WriteDouble(_values[2 + i]);
                }
                break;
            default:
                output.WriteTag(1, WireFormat.WireType.Fixed64);
                output.WriteDouble(_values[0]);
                break;
        }
    }

    /// <summary>The Metric field holding the value: gauge 2, counter 3, summary 4, untyped 5, histogram 7.</summary>
    private int ValueField => _family.Type switch
    {
        MetricType.Gauge => 2,
        MetricType.Counter => 3,
        MetricType.Summary => 4,
        MetricType.Histogram => 7,
        _ => 5,
    };

    /// <summary>Classic buckets to write: every bound but +Inf (implied by the count), none for a native-only histogram.</summary>
    private int ClassicBuckets => _family.UpperBounds.Count - 1;

    private double HistogramCount
    {
        get
        {
            var count = 0.0;
            for (var i = 0; i < _family.UpperBounds.Count; i++)
            {
                count += _values[i];
            }
            return count;
        }
    }

    private int ValueSize()
    {
        switch (_family.Type)
        {
            case MetricType.Histogram:
                return HistogramSize();
            case MetricType.Summary:
                // Quantile messages (quantile 1, value 2), one per objective, after the count and sum.
                return TagSize + CodedOutputStream.ComputeUInt64Size(Count(_values[1])) + TagSize + DoubleSize
                    + (_family.Objectives.Count * (TagSize + CodedOutputStream.ComputeLengthSize(QuantileSize) + QuantileSize));
            default:
                return TagSize + DoubleSize;
        }
    }

    private int HistogramSize()
    {
        var size = TagSize + CodedOutputStream.ComputeUInt64Size(Count(HistogramCount)) + TagSize + DoubleSize;
        var cumulative = 0.0;
        for (var i = 0; i < ClassicBuckets; i++)
        {
            cumulative += _values[i];
            var bucket = BucketSize(cumulative);
            size += TagSize + CodedOutputStream.ComputeLengthSize(bucket) + bucket;
        }
        if (_native is null)
        {
            return size;
        }
        size += TagSize + CodedOutputStream.ComputeSInt32Size(_native.Schema)
            + TagSize + DoubleSize
            + TagSize + CodedOutputStream.ComputeUInt64Size(Count(_values[_family.NativeZeroIndex]));
        return size + SideSize(PositiveSpans) + SideSize(_negative);
    }

    private void WriteHistogram(CodedOutputStream output)
    {
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteUInt64(Count(HistogramCount));
        output.WriteTag(2, WireFormat.WireType.Fixed64);
        output.WriteDouble(_values[_family.SumIndex]);
        var cumulative = 0.0;
        for (var i = 0; i < ClassicBuckets; i++)
        {
            cumulative += _values[i];
            output.WriteTag(3, WireFormat.WireType.LengthDelimited);
            output.WriteLength(BucketSize(cumulative));
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteUInt64(Count(cumulative));
            output.WriteTag(2, WireFormat.WireType.Fixed64);
            output.WriteDouble(_family.UpperBounds[i]);
        }
        if (_native is null)
        {
            return;
        }
        output.WriteTag(5, WireFormat.WireType.Varint);
        output.WriteSInt32(_native.Schema);
        output.WriteTag(6, WireFormat.WireType.Fixed64);
        output.WriteDouble(_family.NativeHistogram!.ZeroThreshold);
        output.WriteTag(7, WireFormat.WireType.Varint);
        output.WriteUInt64(Count(_values[_family.NativeZeroIndex]));
        WriteSide(output, _negative, spanField: 9, deltaField: 10);
        WriteSide(output, PositiveSpans, spanField: 12, deltaField: 13);
    }

    /// <summary>
    /// The positive side; for a histogram with no bucket at all, one empty span, so that a reader that tells native
    /// from classic histograms by their spans still sees a native one (as the Go client does).
    /// </summary>
    private NativeSpans PositiveSpans => _positive.Spans.Length == 0 && _negative.Spans.Length == 0 ? NativeSpans.EmptySpan : _positive;

    private static int SideSize(NativeSpans side)
    {
        var size = 0;
        foreach (var (offset, length) in side.Spans)
        {
            var span = SpanSize(offset, length);
            size += TagSize + CodedOutputStream.ComputeLengthSize(span) + span;
        }
        foreach (var delta in side.Deltas)
        {
            size += TagSize + CodedOutputStream.ComputeSInt64Size(delta);
        }
        return size;
    }

    private static void WriteSide(CodedOutputStream output, NativeSpans side, int spanField, int deltaField)
    {
        foreach (var (offset, length) in side.Spans)
        {
            output.WriteTag(spanField, WireFormat.WireType.LengthDelimited);
            output.WriteLength(SpanSize(offset, length));
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteSInt32(offset);
            output.WriteTag(2, WireFormat.WireType.Varint);
            output.WriteUInt32(length);
        }
        foreach (var delta in side.Deltas)
        {
            output.WriteTag(deltaField, WireFormat.WireType.Varint);
            output.WriteSInt64(delta);
        }
    }

    private static int SpanSize(int offset, uint length) =>
        TagSize + CodedOutputStream.ComputeSInt32Size(offset) + TagSize + CodedOutputStream.ComputeUInt32Size(length);

    private static int BucketSize(double cumulative) =>
        TagSize + CodedOutputStream.ComputeUInt64Size(Count(cumulative)) + TagSize + DoubleSize;

    private int LabelsSize()
    {
        var size = 0;
        for (var i = 0; i < _labelNames.Count; i++)
        {
            var pair = LabelPairSize(i);
            size += TagSize + CodedOutputStream.ComputeLengthSize(pair) + pair;
        }
        return size;
    }

    private int LabelPairSize(int i) =>
        TagSize + CodedOutputStream.ComputeStringSize(_labelNames[i]) + TagSize + CodedOutputStream.ComputeStringSize(_labelValues[i]);

    // Counts are whole and never negative; a NaN or negative one (a corrupted shared store) is written as 0.
    private static ulong Count(double value) => value > 0 ? (ulong)value : 0;
}
