using System.Text;
using Pytheus.Registry;

namespace Pytheus.Exposition;

/// <summary>Renders a registry as text, as a string or streamed to a <see cref="Stream"/>.</summary>
public static class MetricsExposition
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Renders <paramref name="registry"/> (default: <see cref="CollectorRegistry.Default"/>) as text.</summary>
    public static string GenerateMetrics(CollectorRegistry? registry = null, ExpositionFormat format = ExpositionFormat.PrometheusText) =>
        GenerateMetricsAsync(registry, format).GetAwaiter().GetResult();

    /// <summary>Renders <paramref name="registry"/> (default: <see cref="CollectorRegistry.Default"/>) as text.</summary>
    public static async Task<string> GenerateMetricsAsync(
        CollectorRegistry? registry = null, ExpositionFormat format = ExpositionFormat.PrometheusText, CancellationToken cancellationToken = default)
    {
        var metrics = await RegistryCollector.CollectAsync(registry ?? CollectorRegistry.Default, liveLocal: true, cancellationToken).ConfigureAwait(false);
        if (format == ExpositionFormat.OpenMetrics)
        {
            var writer = new StringWriter();
            Write(writer, metrics, format);
            return writer.ToString();
        }
        using var utf8 = new Utf8TextWriter(64 * 1024);
        foreach (var metric in metrics)
        {
            TextFormat.WriteHeader(utf8, metric);
            TextFormat.WriteSeries(utf8, metric, 0, int.MaxValue);
        }
        return Utf8NoBom.GetString(utf8.WrittenSpan);
    }

    /// <summary>
    /// Streams <paramref name="registry"/> (default: <see cref="CollectorRegistry.Default"/>) to
    /// <paramref name="destination"/> in UTF-8. Values are collected first, so a backend failure throws before anything
    /// is written; the text is then written asynchronously in chunks, never as one giant string.
    /// </summary>
    public static async Task WriteMetricsAsync(
        Stream destination, CollectorRegistry? registry = null, ExpositionFormat format = ExpositionFormat.PrometheusText,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var metrics = await RegistryCollector.CollectAsync(registry ?? CollectorRegistry.Default, liveLocal: true, cancellationToken).ConfigureAwait(false);
        await WriteAsync(destination, metrics, format, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes already collected metrics to <paramref name="destination"/> in UTF-8, asynchronously, in chunks of about
    /// 64 KiB (streams that forbid synchronous I/O, such as ASP.NET Core response bodies, are fine).
    /// </summary>
    public static async Task WriteAsync(
        Stream destination, IReadOnlyList<MetricSnapshot> metrics, ExpositionFormat format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(metrics);
        const int chunk = 64 * 1024;
        if (format == ExpositionFormat.OpenMetrics)
        {
            await WriteOpenMetricsAsync(destination, metrics, chunk, cancellationToken).ConfigureAwait(false);
            return;
        }
        // The Prometheus text format is written straight to UTF-8 bytes, drained every ~64 KiB, also within a family.
        using var utf8 = new Utf8TextWriter(chunk + 4096);
        foreach (var metric in metrics)
        {
            TextFormat.WriteHeader(utf8, metric);
            var next = 0;
            do
            {
                next = TextFormat.WriteSeries(utf8, metric, next, chunk);
                if (utf8.Length >= chunk)
                {
                    await destination.WriteAsync(utf8.WrittenMemory, cancellationToken).ConfigureAwait(false);
                    utf8.Clear();
                }
            }
            while (next < metric.Series.Count);
        }
        if (utf8.Length > 0)
        {
            await destination.WriteAsync(utf8.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }
        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteOpenMetricsAsync(
        Stream destination, IReadOnlyList<MetricSnapshot> metrics, int chunk, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(chunk + 4096);
        var writer = new StreamWriter(buffer, Utf8NoBom, bufferSize: 16 * 1024, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            foreach (var metric in metrics)
            {
                OpenMetricsFormat.WriteFamily(writer, metric);
                writer.Flush();
                if (buffer.Length >= chunk)
                {
                    await DrainAsync(buffer, destination, cancellationToken).ConfigureAwait(false);
                }
            }
            OpenMetricsFormat.WriteEnd(writer);
            writer.Flush();
        }
        await DrainAsync(buffer, destination, cancellationToken).ConfigureAwait(false);
        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task DrainAsync(MemoryStream buffer, Stream destination, CancellationToken cancellationToken)
    {
        await destination.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken).ConfigureAwait(false);
        buffer.SetLength(0);
    }

    /// <summary>The content type of <paramref name="format"/>.</summary>
    public static string ContentType(ExpositionFormat format) =>
        format == ExpositionFormat.OpenMetrics ? OpenMetricsFormat.ContentType : TextFormat.ContentType;

    /// <summary>Picks OpenMetrics when an HTTP <c>Accept</c> header asks for it, else the Prometheus text format.</summary>
    public static ExpositionFormat Negotiate(string? acceptHeader) =>
        acceptHeader is not null && acceptHeader.Contains("application/openmetrics-text", StringComparison.OrdinalIgnoreCase)
            ? ExpositionFormat.OpenMetrics
            : ExpositionFormat.PrometheusText;

    private static void Write(TextWriter writer, IReadOnlyList<MetricSnapshot> metrics, ExpositionFormat format)
    {
        if (format == ExpositionFormat.OpenMetrics)
        {
            OpenMetricsFormat.Write(writer, metrics);
        }
        else
        {
            TextFormat.Write(writer, metrics);
        }
    }
}
