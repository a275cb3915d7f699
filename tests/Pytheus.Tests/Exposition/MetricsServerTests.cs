using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using Pytheus.Backends;
using Pytheus.Backends.InProcess;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Exposition;

/// <summary>Real HTTP against the <see cref="MetricsServer"/> on a free loopback port.</summary>
public sealed class MetricsServerTests : IDisposable
{
    private readonly CollectorRegistry _registry = new();
    private readonly MetricsServer _server;
    private readonly HttpClient _client = new(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None });

    public MetricsServerTests()
    {
        var counter = new Counter("served_total", "Served", ["route"], registry: _registry);
        counter.Labels(("route", "/")).Inc(3);
        new Histogram("latency_seconds", "Latency", buckets: [1], registry: _registry).Observe(0.5);
        _server = StartOnFreePort(_registry);
    }

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
    }

    [Fact]
    public async Task Get_metrics_answers_200_with_the_text_and_content_type()
    {
        using var response = await _client.GetAsync(_server.Url);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; version=0.0.4; charset=utf-8");
        response.Content.Headers.ContentEncoding.ShouldBeEmpty();
        (await response.Content.ReadAsStringAsync()).ShouldBe(MetricsExposition.GenerateMetrics(_registry));
    }

    [Fact]
    public async Task Serves_fresh_values_at_every_request()
    {
        var before = await _client.GetStringAsync(_server.Url);
        new Counter("served_total", "Served", ["route"], registry: _registry).Labels(("route", "/")).Inc();
        var after = await _client.GetStringAsync(_server.Url);

        before.ShouldContain("served_total{route=\"/\"} 3\n");
        after.ShouldContain("served_total{route=\"/\"} 4\n");
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate, gzip;q=0.8")]
    [InlineData("GZIP")]
    public async Task Compresses_with_gzip_when_the_client_accepts_it(string acceptEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _server.Url);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);

        using var response = await _client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentEncoding.ShouldBe(["gzip"]);
        response.Content.Headers.ContentType!.ToString().ShouldBe(TextFormat.ContentType);
        await using var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        (await reader.ReadToEndAsync()).ShouldBe(MetricsExposition.GenerateMetrics(_registry));
    }

    [Theory]
    [InlineData("identity")]
    [InlineData("gzip;q=0")]
    public async Task Does_not_compress_when_gzip_is_not_accepted(string acceptEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _server.Url);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);

        using var response = await _client.SendAsync(request);

        response.Content.Headers.ContentEncoding.ShouldBeEmpty();
        (await response.Content.ReadAsStringAsync()).ShouldBe(MetricsExposition.GenerateMetrics(_registry));
    }

    [Fact]
    public async Task Head_answers_200_without_a_body()
    {
        using var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, _server.Url));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().ShouldBe(TextFormat.ContentType);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/metricsx")]
    [InlineData("/other/metrics")]
    public async Task Other_paths_answer_404(string path)
    {
        using var response = await _client.GetAsync(new Uri(_server.Url, path));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).ShouldNotContain("# HELP");
    }

    [Fact]
    public async Task Post_answers_405_with_an_allow_header()
    {
        using var response = await _client.PostAsync(_server.Url, new StringContent("x"));

        response.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        response.Content.Headers.Allow.ShouldBe(["GET", "HEAD"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_backend_failing_at_collection_gives_503_with_one_line_and_no_partial_metrics()
    {
        var registry = new CollectorRegistry();
        new Counter("fine_total", "Fine", registry: registry).Inc();
        new Counter("broken_total", "Broken", registry: registry, backend: new UnreadableBackend());
        using var server = StartOnFreePort(registry);

        using var response = await _client.GetAsync(server.Url);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldContain("backend unreachable");
        body.TrimEnd('\n').ShouldNotContain("\n");
        body.ShouldNotContain("# HELP");
        body.ShouldNotContain("fine_total");
    }

    [Fact]
    public async Task A_failure_message_spanning_lines_still_gives_one_line()
    {
        var registry = new CollectorRegistry();
        new Counter("broken_total", "Broken", registry: registry, backend: new UnreadableBackend("first line\nsecond line"));
        using var server = StartOnFreePort(registry);

        using var response = await _client.GetAsync(server.Url);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync()).TrimEnd('\n').ShouldNotContain("\n");
    }

    [Fact]
    public async Task Serves_a_custom_path()
    {
        var port = FreePort();
        using var server = new MetricsServer(port, path: "custom/path", registry: _registry).Start();

        server.Url.AbsolutePath.ShouldBe("/custom/path");
        (await _client.GetStringAsync(server.Url)).ShouldBe(MetricsExposition.GenerateMetrics(_registry));
        (await _client.GetAsync(new Uri(server.Url, "/metrics"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static MetricsServer StartOnFreePort(CollectorRegistry registry)
    {
        // HttpListener cannot bind port 0; a port just released by a TcpListener may be taken again, so retry a few times.
        for (var attempt = 0; ; attempt++)
        {
            var server = new MetricsServer(FreePort(), registry: registry);
            try
            {
                return server.Start();
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                server.Dispose();
            }
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed class UnreadableBackend(string message = "backend unreachable") : ICollectingBackend
    {
        public IValueStore CreateStore(ValueDescriptor descriptor) => new AtomicDouble();

        public Task<IReadOnlyList<IReadOnlyList<SeriesSnapshot>>> CollectAsync(
            IReadOnlyList<MetricFamily> families, CancellationToken cancellationToken = default) =>
            throw new IOException(message);
    }
}
