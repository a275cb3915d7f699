using Google.Protobuf;

namespace Pytheus.Tests.Shared;

/// <summary>
/// A test-only decoder of delimited io.prometheus.client.MetricFamily messages, written from metrics.proto's field
/// numbers against Google.Protobuf's CodedInputStream: what the tests assert is what a Prometheus server would read.
/// Repeated numbers are accepted packed or not, and unknown fields fail the test (we never write any).
/// </summary>
public static class PrometheusProtobufReader
{
    public sealed record Family(string Name, string Help, int Type, List<Metric> Metrics);

    public sealed record Metric(List<(string Name, string Value)> Labels)
    {
        public double? Gauge { get; set; }
        public double? Counter { get; set; }
        public DecodedExemplar? CounterExemplar { get; set; }
        public double? Untyped { get; set; }
        public (ulong Count, double Sum)? Summary { get; set; }
        public List<(double Quantile, double Value)> Quantiles { get; } = [];
        public DecodedHistogram? Histogram { get; set; }
    }

    public sealed class DecodedHistogram
    {
        public ulong Count { get; set; }
        public double Sum { get; set; }
        public List<(ulong CumulativeCount, double UpperBound)> Buckets { get; } = [];

        /// <summary>Each classic bucket's exemplar (null when it has none), aligned with <see cref="Buckets"/>.</summary>
        public List<DecodedExemplar?> BucketExemplars { get; } = [];

        /// <summary>The native histogram's own exemplars (field 16).</summary>
        public List<DecodedExemplar> Exemplars { get; } = [];
        public int? Schema { get; set; }
        public double? ZeroThreshold { get; set; }
        public ulong? ZeroCount { get; set; }
        public List<(int Offset, uint Length)> NegativeSpans { get; } = [];
        public List<long> NegativeDeltas { get; } = [];
        public List<(int Offset, uint Length)> PositiveSpans { get; } = [];
        public List<long> PositiveDeltas { get; } = [];

        /// <summary>Absolute (index, count) pairs of one side, decoded from its spans and deltas.</summary>
        public List<(int Index, long Count)> Side(bool negative)
        {
            var spans = negative ? NegativeSpans : PositiveSpans;
            var deltas = negative ? NegativeDeltas : PositiveDeltas;
            var result = new List<(int, long)>();
            var index = 0;
            var count = 0L;
            var d = 0;
            for (var s = 0; s < spans.Count; s++)
            {
                index += spans[s].Offset;
                for (var i = 0; i < spans[s].Length; i++)
                {
                    count += deltas[d++];
                    result.Add((index++, count));
                }
            }
            d.ShouldBe(deltas.Count);
            return result;
        }
    }

    /// <summary>An exemplar: its labels, value and timestamp (null when not written).</summary>
    public sealed record DecodedExemplar(List<(string Name, string Value)> Labels, double Value, (long Seconds, int Nanos)? Timestamp);

    public static List<Family> Read(byte[] body)
    {
        var input = new CodedInputStream(body);
        var families = new List<Family>();
        while (!input.IsAtEnd)
        {
            // Delimited: each message is preceded by its length, exactly as a bytes field's value is.
            families.Add(ReadFamily(Nested(input)));
        }
        return families;
    }

    private static Family ReadFamily(CodedInputStream input)
    {
        string name = "", help = "";
        var type = -1;
        var metrics = new List<Metric>();
        Fields(input, (field, wire) =>
        {
            switch (field)
            {
                case 1: name = input.ReadString(); break;
                case 2: help = input.ReadString(); break;
                case 3: type = input.ReadEnum(); break;
                case 4: metrics.Add(ReadMetric(Nested(input))); break;
                default: throw new InvalidDataException($"MetricFamily field {field}");
            }
        });
        return new Family(name, help, type, metrics);
    }

    private static Metric ReadMetric(CodedInputStream input)
    {
        var metric = new Metric([]);
        Fields(input, (field, wire) =>
        {
            switch (field)
            {
                case 1: metric.Labels.Add(ReadLabel(Nested(input))); break;
                case 2: metric.Gauge = SingleDouble(Nested(input)); break;
                case 3: ReadCounter(Nested(input), metric); break;
                case 4: metric.Summary = ReadSummary(Nested(input), metric.Quantiles); break;
                case 5: metric.Untyped = SingleDouble(Nested(input)); break;
                case 7: metric.Histogram = ReadHistogram(Nested(input)); break;
                default: throw new InvalidDataException($"Metric field {field}");
            }
        });
        return metric;
    }

    private static (string, string) ReadLabel(CodedInputStream input)
    {
        string name = "", value = "";
        Fields(input, (field, wire) =>
        {
            switch (field)
            {
                case 1: name = input.ReadString(); break;
                case 2: value = input.ReadString(); break;
                default: throw new InvalidDataException($"LabelPair field {field}");
            }
        });
        return (name, value);
    }

    private static void ReadCounter(CodedInputStream input, Metric metric)
    {
        Fields(input, (field, wire) =>
        {
            switch (field)
            {
                case 1: metric.Counter = input.ReadDouble(); break;
                case 2: metric.CounterExemplar = ReadExemplar(Nested(input)); break;
                default: throw new InvalidDataException($"Counter field {field}");
            }
        });
    }

    private static DecodedExemplar ReadExemplar(CodedInputStream input)
    {
        var labels = new List<(string, string)>();
        var value = double.NaN;
        (long, int)? timestamp = null;
        Fields(input, (field, wire) =>
        {
            switch (field)
            {
                case 1: labels.Add(ReadLabel(Nested(input))); break;
                case 2: value = input.ReadDouble(); break;
                case 3: timestamp = ReadTimestamp(Nested(input)); break;
                default: throw new InvalidDataException($"Exemplar field {field}");
            }
        });
        return new DecodedExemplar(labels, value, timestamp);
    }

    /// <summary>google.protobuf.Timestamp: seconds 1 (int64), nanos 2 (int32); both default to zero when left out.</summary>
    private static (long, int) ReadTimestamp(CodedInputStream input)
    {
        long seconds = 0;
        var nanos = 0;
        Fields(input, (field, wire) =>
        {
            switch (field)
            {
                case 1: seconds = input.ReadInt64(); break;
                case 2: nanos = input.ReadInt32(); break;
                default: throw new InvalidDataException($"Timestamp field {field}");
            }
        });
        return (seconds, nanos);
    }

    private static double SingleDouble(CodedInputStream input)
    {
        var value = double.NaN;
        Fields(input, (field, wire) =>
        {
            field.ShouldBe(1);
            value = input.ReadDouble();
        });
        return value;
    }

    private static (ulong, double) ReadSummary(CodedInputStream input, List<(double, double)> quantiles)
    {
        ulong count = 0;
        var sum = 0.0;
        Fields(input, (field, wire) =>
        {
            switch (field)
            {
                case 1: count = input.ReadUInt64(); break;
                case 2: sum = input.ReadDouble(); break;
                case 3: quantiles.Add(ReadQuantile(Nested(input))); break;
                default: throw new InvalidDataException($"Summary field {field}");
            }
        });
        return (count, sum);
    }

    private static (double, double) ReadQuantile(CodedInputStream input)
    {
        double quantile = double.NaN, value = double.NaN;
        Fields(input, (field, wire) =>
        {
            switch (field)
            {
                case 1: quantile = input.ReadDouble(); break;
                case 2: value = input.ReadDouble(); break;
                default: throw new InvalidDataException($"Quantile field {field}");
            }
        });
        return (quantile, value);
    }

    private static DecodedHistogram ReadHistogram(CodedInputStream input)
    {
        var histogram = new DecodedHistogram();
        Fields(input, (field, wire) =>
        {
            switch (field)
            {
                case 1: histogram.Count = input.ReadUInt64(); break;
                case 2: histogram.Sum = input.ReadDouble(); break;
                case 3: ReadBucket(Nested(input), histogram); break;
                case 5: histogram.Schema = input.ReadSInt32(); break;
                case 6: histogram.ZeroThreshold = input.ReadDouble(); break;
                case 7: histogram.ZeroCount = input.ReadUInt64(); break;
                case 9: histogram.NegativeSpans.Add(ReadSpan(Nested(input))); break;
                case 10: Repeated(input, wire, () => histogram.NegativeDeltas.Add(input.ReadSInt64())); break;
                case 12: histogram.PositiveSpans.Add(ReadSpan(Nested(input))); break;
                case 13: Repeated(input, wire, () => histogram.PositiveDeltas.Add(input.ReadSInt64())); break;
                case 16: histogram.Exemplars.Add(ReadExemplar(Nested(input))); break;
                default: throw new InvalidDataException($"Histogram field {field}");
            }
        });
        return histogram;
    }

    private static void ReadBucket(CodedInputStream input, DecodedHistogram histogram)
    {
        ulong count = 0;
        var bound = double.NaN;
        DecodedExemplar? exemplar = null;
        Fields(input, (field, wire) =>
        {
            switch (field)
            {
                case 1: count = input.ReadUInt64(); break;
                case 2: bound = input.ReadDouble(); break;
                case 3: exemplar = ReadExemplar(Nested(input)); break;
                default: throw new InvalidDataException($"Bucket field {field}");
            }
        });
        histogram.Buckets.Add((count, bound));
        histogram.BucketExemplars.Add(exemplar);
    }

    private static (int, uint) ReadSpan(CodedInputStream input)
    {
        var offset = 0;
        uint length = 0;
        Fields(input, (field, wire) =>
        {
            switch (field)
            {
                case 1: offset = input.ReadSInt32(); break;
                case 2: length = input.ReadUInt32(); break;
                default: throw new InvalidDataException($"BucketSpan field {field}");
            }
        });
        return (offset, length);
    }

    private static void Repeated(CodedInputStream input, WireFormat.WireType wire, Action readOne)
    {
        if (wire != WireFormat.WireType.LengthDelimited)
        {
            readOne();
            return;
        }
        var packed = Nested(input);
        while (!packed.IsAtEnd)
        {
            readOne();
        }
    }

    private static CodedInputStream Nested(CodedInputStream input) => new(input.ReadBytes().ToByteArray());

    private static void Fields(CodedInputStream input, Action<int, WireFormat.WireType> onField)
    {
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            onField(WireFormat.GetTagFieldNumber(tag), WireFormat.GetTagWireType(tag));
        }
    }
}
