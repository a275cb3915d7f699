using System.Text;
using Pytheus.Registry;

namespace Pytheus.Exposition;

/// <summary>Renders a registry in the Prometheus text format, as a string or streamed to a <see cref="Stream"/>.</summary>
public static class MetricsExposition
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Renders <paramref name="registry"/> (default: <see cref="CollectorRegistry.Default"/>) as text.</summary>
    public static string GenerateMetrics(CollectorRegistry? registry = null) =>
        GenerateMetricsAsync(registry).GetAwaiter().GetResult();

    /// <summary>Renders <paramref name="registry"/> (default: <see cref="CollectorRegistry.Default"/>) as text.</summary>
    public static async Task<string> GenerateMetricsAsync(CollectorRegistry? registry = null, CancellationToken cancellationToken = default)
    {
        var metrics = await RegistryCollector.CollectAsync(registry ?? CollectorRegistry.Default, cancellationToken).ConfigureAwait(false);
        var writer = new StringWriter();
        TextFormat.Write(writer, metrics);
        return writer.ToString();
    }

    /// <summary>
    /// Streams <paramref name="registry"/> (default: <see cref="CollectorRegistry.Default"/>) to
    /// <paramref name="destination"/> in UTF-8 without building the whole text in memory. Values are collected first,
    /// so a backend failure throws before anything is written.
    /// </summary>
    public static async Task WriteMetricsAsync(Stream destination, CollectorRegistry? registry = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var metrics = await RegistryCollector.CollectAsync(registry ?? CollectorRegistry.Default, cancellationToken).ConfigureAwait(false);
        var writer = new StreamWriter(destination, Utf8NoBom, bufferSize: 64 * 1024, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            TextFormat.Write(writer, metrics);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
