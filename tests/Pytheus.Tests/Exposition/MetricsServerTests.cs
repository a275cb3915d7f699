using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
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
    public async Task A_backend_failing_at_collection_gives_503_backend_unavailable_without_the_cause_or_partial_metrics()
    {
        var registry = new CollectorRegistry();
        new Counter("fine_total", "Fine", registry: registry).Inc();
        new Counter("broken_total", "Broken", registry: registry, backend: new UnreadableBackend("redis-7.internal:6379 refused\nsecond line"));
        var logger = new ListLogger();
        using var server = StartOnFreePort(new MetricsServerOptions { Registry = registry }, logger);

        using var response = await _client.GetAsync(server.Url);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync()).ShouldBe(ScrapeResponse.UnavailableText);
        logger.Entries.ShouldContain(e => e.Level == LogLevel.Error && e.Exception is IOException
            && e.Exception.Message.StartsWith("redis-7.internal", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_basic_authentication_a_scraper_without_the_credentials_gets_401_and_one_with_them_the_metrics()
    {
        using var server = StartOnFreePort(new MetricsServerOptions
        {
            Registry = _registry, BasicAuthenticationUserName = "prometheus", BasicAuthenticationPassword = "s3cret:word",
        });

        using var anonymous = await _client.GetAsync(server.Url);
        using var wrong = await SendAsync(server.Url, "prometheus:nope");
        using var right = await SendAsync(server.Url, "prometheus:s3cret:word");

        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        anonymous.Headers.WwwAuthenticate.ToString().ShouldBe(BasicAuthentication.Challenge);
        (await anonymous.Content.ReadAsStringAsync()).ShouldNotContain("served_total");
        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        right.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await right.Content.ReadAsStringAsync()).ShouldBe(MetricsExposition.GenerateMetrics(_registry));

        async Task<HttpResponseMessage> SendAsync(Uri url, string credentials)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(credentials)));
            return await _client.SendAsync(request);
        }
    }

    [Theory]
    [InlineData("prometheus", null)]
    [InlineData(null, "secret")]
    [InlineData("", "secret")]
    public void Half_set_basic_authentication_is_refused(string? userName, string? password)
    {
        Should.Throw<ArgumentException>(() => new MetricsServer(new MetricsServerOptions
        {
            Port = 9464, BasicAuthenticationUserName = userName, BasicAuthenticationPassword = password,
        })).ParamName.ShouldBe("options");
    }

    [Fact]
    public void Binds_loopback_by_default()
    {
        new MetricsServerOptions().Host.ShouldBe("127.0.0.1");
        using var server = new MetricsServer(9464);
        server.Url.Host.ShouldBe("127.0.0.1");
    }

    [Fact]
    public void Warns_when_serving_every_address_without_authentication()
    {
        var open = new ListLogger();
        var guarded = new ListLogger();

        using (StartOnFreePort(new MetricsServerOptions { Registry = _registry, Host = "+" }, open))
        using (StartOnFreePort(new MetricsServerOptions
        {
            Registry = _registry, Host = "+", BasicAuthenticationUserName = "u", BasicAuthenticationPassword = "p",
        }, guarded))
        {
            open.Entries.ShouldContain(e => e.Level == LogLevel.Warning && e.Id.Id == 4);
            guarded.Entries.ShouldNotContain(e => e.Id.Id == 4);
        }
    }

    [Fact]
    public async Task Answers_openmetrics_when_preferred_and_says_it_varies_by_the_negotiated_headers()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _server.Url);
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");

        using var response = await _client.SendAsync(request);

        response.Content.Headers.ContentType!.ToString().ShouldBe(OpenMetricsFormat.ContentType);
        response.Headers.Vary.ShouldBe(["Accept", "Accept-Encoding"]);
        (await response.Content.ReadAsStringAsync()).ShouldBe(MetricsExposition.GenerateMetrics(_registry, ExpositionFormat.OpenMetrics));
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

    private static MetricsServer StartOnFreePort(CollectorRegistry registry) => StartOnFreePort(new MetricsServerOptions { Registry = registry });

    internal static MetricsServer StartOnFreePort(MetricsServerOptions options, ILogger? logger = null)
    {
        // HttpListener cannot bind port 0; a port just released by a TcpListener may be taken again, so retry a few times.
        for (var attempt = 0; ; attempt++)
        {
            options.Port = FreePort();
            var server = new MetricsServer(options, logger);
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
            IReadOnlyList<MetricDefinition> families, CancellationToken cancellationToken = default) =>
            throw new IOException(message);
    }
}
