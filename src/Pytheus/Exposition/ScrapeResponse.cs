using System.IO.Compression;

namespace Pytheus.Exposition;

/// <summary>
/// How one scrape is answered, negotiated from its request headers, and the writing of that answer. Shared by every
/// Pytheus endpoint (<see cref="MetricsServer"/>, the ASP.NET Core endpoint) so that they agree on headers, q-values,
/// <c>*</c>, compression and the 503 body; usable by any other HTTP server too.
/// </summary>
/// <param name="Format">The text format to write.</param>
/// <param name="Gzip">Whether the body is gzip-compressed.</param>
public readonly record struct ScrapeResponse(ExpositionFormat Format, bool Gzip)
{
    /// <summary>The <c>Vary</c> header a scrape answer carries: it depends on these request headers.</summary>
    public const string Vary = "Accept, Accept-Encoding";

    /// <summary>The content type of <see cref="UnavailableText"/> and other plain-text answers.</summary>
    public const string PlainTextContentType = "text/plain; charset=utf-8";

    /// <summary>
    /// The body of the 503 answer when the backend cannot be read. It says nothing of the cause (a connection string or
    /// host name in an exception is not for every caller): the cause goes to the server's log.
    /// </summary>
    public const string UnavailableText = "Metrics are unavailable: backend unavailable.\n";

    /// <summary>The <c>Content-Type</c> of the body.</summary>
    public string ContentType => MetricsExposition.ContentType(Format);

    /// <summary>The <c>Content-Encoding</c> of the body, or null when it is not compressed.</summary>
    public string? ContentEncoding => Gzip ? "gzip" : null;

    /// <summary>
    /// Negotiates the answer. Protobuf when <paramref name="accept"/> names
    /// <c>application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited</c> with a quality
    /// above zero and above those of both text formats (as a Prometheus server with native histograms enabled does);
    /// else OpenMetrics when it gives <c>application/openmetrics-text</c> a quality above zero and above that of
    /// <c>text/plain</c>; otherwise (no header, <c>*/*</c>, a tie, nothing acceptable) the Prometheus text format. Gzip when <paramref name="allowCompression"/> and
    /// <paramref name="acceptEncoding"/> gives <c>gzip</c> (or <c>*</c> without a <c>gzip</c> element) a quality above
    /// zero. The most specific matching element decides each quality; see <c>docs/aspnetcore.md</c> for the table.
    /// </summary>
    public static ScrapeResponse Negotiate(string? accept, string? acceptEncoding, bool allowCompression = true) =>
        new(NegotiateFormat(accept), allowCompression && !string.IsNullOrEmpty(acceptEncoding) && HeaderQuality.OfCoding(acceptEncoding, "gzip") > 0);

    internal static ExpositionFormat NegotiateFormat(string? accept)
    {
        if (string.IsNullOrEmpty(accept))
        {
            return ExpositionFormat.PrometheusText;
        }
        var openMetrics = HeaderQuality.OfMediaType(accept, "application", "openmetrics-text");
        var text = HeaderQuality.OfMediaType(accept, "text", "plain");
        var protobuf = HeaderQuality.OfPrometheusProtobuf(accept);
        return protobuf > 0 && protobuf > openMetrics && protobuf > text ? ExpositionFormat.Protobuf
            : openMetrics > 0 && openMetrics > text ? ExpositionFormat.OpenMetrics
            : ExpositionFormat.PrometheusText;
    }

    /// <summary>
    /// Writes <paramref name="metrics"/> to <paramref name="body"/> in <see cref="Format"/>, through gzip when
    /// <see cref="Gzip"/>, in chunks of about 64 KiB: the body is never held whole in memory.
    /// </summary>
    public async Task WriteAsync(Stream body, IReadOnlyList<MetricSnapshot> metrics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!Gzip)
        {
            await MetricsExposition.WriteAsync(body, metrics, Format, cancellationToken).ConfigureAwait(false);
            return;
        }
        var zip = new GZipStream(body, CompressionLevel.Fastest, leaveOpen: true);
        await using (zip.ConfigureAwait(false))
        {
            await MetricsExposition.WriteAsync(zip, metrics, Format, cancellationToken).ConfigureAwait(false);
        }
    }
}
