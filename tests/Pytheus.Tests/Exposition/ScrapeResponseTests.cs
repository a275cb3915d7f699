using System.IO.Compression;
using System.Text;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Exposition;

/// <summary>The negotiation table every Pytheus endpoint follows (<see cref="ScrapeResponse"/>).</summary>
public class ScrapeResponseTests
{
    private const string Prometheus2Accept =
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    [Theory]
    [InlineData(null, ExpositionFormat.PrometheusText)]
    [InlineData("", ExpositionFormat.PrometheusText)]
    [InlineData("*/*", ExpositionFormat.PrometheusText)]
    [InlineData("text/plain", ExpositionFormat.PrometheusText)]
    [InlineData("text/*", ExpositionFormat.PrometheusText)]
    [InlineData("application/json", ExpositionFormat.PrometheusText)]
    [InlineData("application/openmetrics-text", ExpositionFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text; version=1.0.0; charset=utf-8", ExpositionFormat.OpenMetrics)]
    [InlineData("APPLICATION/OpenMetrics-Text", ExpositionFormat.OpenMetrics)]
    [InlineData(Prometheus2Accept, ExpositionFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text;q=0", ExpositionFormat.PrometheusText)]
    [InlineData("application/openmetrics-text;q=0.0, text/plain", ExpositionFormat.PrometheusText)]
    [InlineData("text/plain;q=1, application/openmetrics-text;q=0.5", ExpositionFormat.PrometheusText)]
    [InlineData("application/openmetrics-text;q=0.5, text/plain;q=0.5", ExpositionFormat.PrometheusText)]
    [InlineData("application/openmetrics-text;q=0.6, text/plain;q=0.5", ExpositionFormat.OpenMetrics)]
    [InlineData("application/*", ExpositionFormat.OpenMetrics)]
    [InlineData("application/*;q=0.9, text/plain;q=0.8", ExpositionFormat.OpenMetrics)]
    [InlineData("text/plain;q=0, */*", ExpositionFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text;q=0, application/*", ExpositionFormat.PrometheusText)]
    [InlineData("application/openmetrics-text;q=abc", ExpositionFormat.PrometheusText)]
    [InlineData("application/openmetrics-text;q=1.5", ExpositionFormat.PrometheusText)]
    public void Negotiates_the_format_from_accept(string? accept, ExpositionFormat expected)
    {
        ScrapeResponse.Negotiate(accept, null).Format.ShouldBe(expected);
        MetricsExposition.Negotiate(accept).ShouldBe(expected);
    }

    [Theory]
    [InlineData(null, true, false)]
    [InlineData("", true, false)]
    [InlineData("gzip", true, true)]
    [InlineData("GZIP", true, true)]
    [InlineData("deflate, gzip;q=0.8", true, true)]
    [InlineData("gzip;q=0", true, false)]
    [InlineData("gzip; q=0.000", true, false)]
    [InlineData("identity", true, false)]
    [InlineData("x-gzip", true, false)]
    [InlineData("*", true, true)]
    [InlineData("*;q=0", true, false)]
    [InlineData("br, *;q=0.1", true, true)]
    [InlineData("gzip;q=0, *", true, false)]
    [InlineData("*, gzip;q=0", true, false)]
    [InlineData("gzip", false, false)]
    [InlineData("*", false, false)]
    public void Negotiates_gzip_from_accept_encoding(string? acceptEncoding, bool allowCompression, bool expected)
    {
        var answer = ScrapeResponse.Negotiate(null, acceptEncoding, allowCompression);

        answer.Gzip.ShouldBe(expected);
        answer.ContentEncoding.ShouldBe(expected ? "gzip" : null);
    }

    [Fact]
    public void Content_types_follow_the_format()
    {
        ScrapeResponse.Negotiate("application/openmetrics-text", null).ContentType.ShouldBe(OpenMetricsFormat.ContentType);
        ScrapeResponse.Negotiate(null, null).ContentType.ShouldBe(TextFormat.ContentType);
    }

    [Fact]
    public void The_unavailable_answer_is_one_line_that_names_no_cause()
    {
        ScrapeResponse.UnavailableText.ShouldBe("Metrics are unavailable: backend unavailable.\n");
    }

    [Theory]
    [InlineData(false, ExpositionFormat.PrometheusText)]
    [InlineData(true, ExpositionFormat.PrometheusText)]
    [InlineData(false, ExpositionFormat.OpenMetrics)]
    [InlineData(true, ExpositionFormat.OpenMetrics)]
    public async Task Writes_the_same_text_as_the_exposition_compressed_or_not(bool gzip, ExpositionFormat format)
    {
        var registry = new CollectorRegistry();
        new Counter("written_total", "Written", ["k"], registry: registry).Labels(("k", "v")).Inc(2);
        var metrics = await RegistryCollector.CollectAsync(registry);
        using var body = new MemoryStream();

        await new ScrapeResponse(format, gzip).WriteAsync(body, metrics);

        body.Position = 0;
        using var reader = new StreamReader(gzip ? new GZipStream(body, CompressionMode.Decompress) : body, Encoding.UTF8);
        (await reader.ReadToEndAsync()).ShouldBe(MetricsExposition.GenerateMetrics(registry, format));
    }
}
