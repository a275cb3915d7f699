using Pytheus.Internal;
using Pytheus.Registry;

namespace Pytheus.Exposition;

/// <summary>Renders a registry as text, as a string or streamed to a <see cref="Stream"/> (also in the binary protobuf format).</summary>
public static class MetricsExposition
{
    /// <summary>Renders <paramref name="registry"/> (default: <see cref="CollectorRegistry.Default"/>) as text.</summary>
    /// <exception cref="ArgumentException"><paramref name="format"/> is <see cref="ExpositionFormat.Protobuf"/>, which is not text.</exception>
    public static string GenerateMetrics(CollectorRegistry? registry = null, ExpositionFormat format = ExpositionFormat.PrometheusText) =>
        GenerateMetricsAsync(registry, format).GetAwaiter().GetResult();

    /// <inheritdoc cref="GenerateMetrics"/>
    public static async Task<string> GenerateMetricsAsync(
        CollectorRegistry? registry = null, ExpositionFormat format = ExpositionFormat.PrometheusText, CancellationToken cancellationToken = default)
    {
        if (format == ExpositionFormat.Protobuf)
        {
            throw new ArgumentException("The protobuf format is binary: write it to a stream with WriteMetricsAsync.", nameof(format));
        }
        var metrics = await RegistryCollector.CollectAsync(registry ?? CollectorRegistry.Default, liveLocal: true, cancellationToken).ConfigureAwait(false);
        return TextFormat.Render(metrics, format);
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
        if (format == ExpositionFormat.Protobuf)
        {
            await ProtobufFormat.WriteAsync(destination, metrics, cancellationToken).ConfigureAwait(false);
            return;
        }
        const int chunk = 64 * 1024;
        // Written straight to UTF-8 bytes, drained every ~64 KiB, also within a family.
        using var utf8 = new Utf8TextWriter(chunk + 4096);
        string? previous = null;
        foreach (var metric in metrics)
        {
            // Consecutive snapshots of one name are one family (see MetricSnapshot): one header.
            if (metric.Name != previous)
            {
                TextFormat.WriteHeader(utf8, metric, format);
            }
            previous = metric.Name;
            var next = 0;
            do
            {
                next = TextFormat.WriteSeries(utf8, metric, format, next, chunk);
                if (utf8.Length >= chunk)
                {
                    await destination.WriteAsync(utf8.WrittenMemory, cancellationToken).ConfigureAwait(false);
                    utf8.Clear();
                }
            }
            while (next < metric.Series.Count);
        }
        TextFormat.WriteEnd(utf8, format);
        if (utf8.Length > 0)
        {
            await destination.WriteAsync(utf8.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }
        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The content type of <paramref name="format"/>.</summary>
    public static string ContentType(ExpositionFormat format) => format switch
    {
        ExpositionFormat.OpenMetrics => OpenMetricsFormat.ContentType,
        ExpositionFormat.Protobuf => ProtobufFormat.ContentType,
        _ => TextFormat.ContentType,
    };

    /// <summary>
    /// Picks the format an HTTP <c>Accept</c> header prefers, as <see cref="ScrapeResponse.Negotiate"/> does: protobuf or
    /// OpenMetrics when preferred to <c>text/plain</c> (q-values and wildcards count), else the Prometheus text format.
    /// </summary>
    public static ExpositionFormat Negotiate(string? acceptHeader) => ScrapeResponse.NegotiateFormat(acceptHeader);
}
