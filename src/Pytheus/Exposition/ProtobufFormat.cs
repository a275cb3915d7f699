using Google.Protobuf;
using Pytheus.Backends;
using Pytheus.Exposition.Protobuf;
using Pytheus.Metrics;

namespace Pytheus.Exposition;

/// <summary>
/// Writes collected metrics in the Prometheus protobuf format: one length-delimited <c>io.prometheus.client.MetricFamily</c>
/// message per family. It carries every metric type, and it is the only format that carries a histogram's native buckets
/// (see <see cref="NativeHistogramOptions"/>); a Prometheus server asks for it when native histograms are enabled.
/// </summary>
public static class ProtobufFormat
{
    /// <summary>The content type of the format.</summary>
    public const string ContentType = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

    private const int Chunk = 64 * 1024;

    /// <summary>
    /// Writes <paramref name="metrics"/> to <paramref name="destination"/>, asynchronously, in chunks of about 64 KiB
    /// (one family is encoded whole before it is written). Consecutive snapshots of one name are one family.
    /// </summary>
    public static async Task WriteAsync(Stream destination, IReadOnlyList<MetricSnapshot> metrics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(metrics);
        using var buffer = new MemoryStream(Chunk + 4096);
        var output = new CodedOutputStream(buffer, leaveOpen: true);
        for (var start = 0; start < metrics.Count;)
        {
            var end = start + 1;
            while (end < metrics.Count && metrics[end].Name == metrics[start].Name)
            {
                end++;
            }
            WriteFamily(output, metrics, start, end);
            start = end;
            output.Flush();
            if (buffer.Length >= Chunk)
            {
                await destination.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken).ConfigureAwait(false);
                buffer.SetLength(0);
            }
        }
        output.Flush();
        if (buffer.Length > 0)
        {
            await destination.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken).ConfigureAwait(false);
        }
        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="metrics"/> into a byte array (for tests and small registries).</summary>
    public static byte[] Render(IReadOnlyList<MetricSnapshot> metrics)
    {
        using var buffer = new MemoryStream();
        WriteAsync(buffer, metrics).GetAwaiter().GetResult();
        return buffer.ToArray();
    }

    /// <summary>One delimited MetricFamily: its length, then name (1), help (2), type (3) and each series (4).</summary>
    private static void WriteFamily(CodedOutputStream output, IReadOnlyList<MetricSnapshot> metrics, int start, int end)
    {
        var first = metrics[start];
        var series = new List<ProtobufSeries>();
        for (var i = start; i < end; i++)
        {
            Read(metrics[i], series);
        }
        var type = TypeNumber(first.Definition.Type);
        var size = 1 + CodedOutputStream.ComputeStringSize(first.Name)
            + 1 + CodedOutputStream.ComputeStringSize(first.Definition.Help)
            + 1 + CodedOutputStream.ComputeEnumSize(type);
        foreach (var one in series)
        {
            size += 1 + CodedOutputStream.ComputeLengthSize(one.Size) + one.Size;
        }
        output.WriteLength(size);
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteString(first.Name);
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteString(first.Definition.Help);
        output.WriteTag(3, WireFormat.WireType.Varint);
        output.WriteEnum(type);
        foreach (var one in series)
        {
            output.WriteTag(4, WireFormat.WireType.LengthDelimited);
            output.WriteLength(one.Size);
            one.WriteTo(output);
        }
    }

    private static void Read(MetricSnapshot metric, List<ProtobufSeries> into)
    {
        var family = metric.Definition;
        if (metric.Series is LocalSeries local)
        {
            for (var i = 0; i < local.Count; i++)
            {
                // Native buckets first: read before the count, they never add up to more than it.
                var native = (local.Children[i] as Histogram)?.ReadNativeBuckets();
                var values = new double[local.Stride];
                local.ReadValues(i, values);
                into.Add(new ProtobufSeries(family, local.Children[i].ExpositionLabelValues, values, native));
            }
            return;
        }
        foreach (var one in metric.Series)
        {
            into.Add(new ProtobufSeries(family, one.LabelValues, [.. one.Values], one.NativeBuckets));
        }
    }

    /// <summary>The MetricType enum of metrics.proto: COUNTER 0, GAUGE 1, SUMMARY 2, UNTYPED 3, HISTOGRAM 4.</summary>
    private static int TypeNumber(MetricType type) => type switch
    {
        MetricType.Counter => 0,
        MetricType.Gauge => 1,
        MetricType.Summary => 2,
        MetricType.Histogram => 4,
        _ => 3,
    };
}
