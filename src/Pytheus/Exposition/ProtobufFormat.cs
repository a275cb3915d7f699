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
    /// (one family is encoded whole before it is written: a message is preceded by its length). Consecutive snapshots
    /// of one name are one family. Local series are read straight from their stores; no object is made per series.
    /// </summary>
    public static async Task WriteAsync(Stream destination, IReadOnlyList<MetricSnapshot> metrics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(metrics);
        using var output = new ProtobufWriter(Chunk + 4096);
        var encoder = new MetricFamilyEncoder(output);
        for (var start = 0; start < metrics.Count;)
        {
            var end = start + 1;
            while (end < metrics.Count && metrics[end].Name == metrics[start].Name)
            {
                end++;
            }
            encoder.Write(metrics, start, end);
            start = end;
            if (output.Length >= Chunk)
            {
                await destination.WriteAsync(output.WrittenMemory, cancellationToken).ConfigureAwait(false);
                output.Clear();
            }
        }
        if (output.Length > 0)
        {
            await destination.WriteAsync(output.WrittenMemory, cancellationToken).ConfigureAwait(false);
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
}
