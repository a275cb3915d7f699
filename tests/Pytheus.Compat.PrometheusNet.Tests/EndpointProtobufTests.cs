using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;
using Pytheus.Backends.InProcess;
using Pytheus.Metrics;
using Pytheus.Tests.Shared;
using PromMetrics = Prometheus.Metrics;
using PyRegistry = Pytheus.Registry.CollectorRegistry;

namespace Pytheus.Compat.PrometheusNet.Tests;

/// <summary>
/// A legacy application's own endpoints (prometheus-net's <c>MapMetrics</c> and <c>MetricServer</c>) answer a Prometheus
/// that asks for protobuf with native buckets, once the patch gives its histograms some: real sockets, real HTTP.
/// </summary>
[Collection(PatchedCollection.Name)]
public class EndpointProtobufTests(PatchedFixture fixture)
{
    /// <summary>What Prometheus 2.42 sends with <c>--enable-feature=native-histograms</c>.</summary>
    private const string NativePrometheusAccept =
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8," +
        "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    private const string ProtobufQuery = "?accept=application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";

    [Fact]
    public async Task MapMetrics_answers_a_native_histogram_Prometheus_in_protobuf_with_native_buckets()
    {
        await Patched(new PatchOptions { NativeHistograms = new NativeHistogramOptions { Schema = 1 } }, async () =>
        {
            var registry = LegacyRegistry("epm");
            await using var app = await StartMapMetrics(registry);
            var address = AddressOf(app);
            using var http = new HttpClient();

            var (type, body) = await Scrape(http, address + "/metrics", NativePrometheusAccept);
            var (queryType, queryBody) = await Scrape(http, address + "/metrics" + ProtobufQuery, accept: null);
            var (openMetricsType, openMetrics) = await Scrape(http, address + "/metrics", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
            var (textType, text) = await Scrape(http, address + "/metrics", accept: null);

            if (ActiveStrategy.IsPortable)
            {
                // prometheus-net writes its own exposition under the portable strategy: its text formats only.
                type.ShouldBe("application/openmetrics-text; version=1.0.0; charset=utf-8");
                Encoding(body).ShouldContain("epm_wait_seconds_bucket{le=\"10.0\"} 3\n");
                return;
            }
            type.ShouldBe(Exposition.ProtobufFormat.ContentType);
            AssertLegacyFamilies(body, "epm");
            queryType.ShouldBe(Exposition.ProtobufFormat.ContentType);
            AssertLegacyFamilies(queryBody, "epm");
            // Scrapers that do not ask for protobuf get what prometheus-net negotiates, classic buckets only.
            openMetricsType.ShouldBe("application/openmetrics-text; version=1.0.0; charset=utf-8");
            Encoding(openMetrics).ShouldContain("epm_wait_seconds_bucket{le=\"10.0\"} 3\n");
            textType.ShouldBe("text/plain; version=0.0.4; charset=utf-8");
            Encoding(text).ShouldContain("epm_wait_seconds_bucket{le=\"10\"} 3\n");
            await app.StopAsync();
        });
    }

    [Fact]
    public async Task MetricServer_answers_protobuf_when_asked_and_its_text_otherwise()
    {
        await Patched(new PatchOptions { NativeHistograms = new NativeHistogramOptions { Schema = 1 } }, async () =>
        {
            var registry = LegacyRegistry("eps");
            var port = FreePort();
            using var server = new MetricServer("127.0.0.1", port, "metrics/", registry);
            server.Start();
            using var http = new HttpClient();

            var (type, body) = await Scrape(http, $"http://127.0.0.1:{port}/metrics", NativePrometheusAccept);
            var (textType, text) = await Scrape(http, $"http://127.0.0.1:{port}/metrics", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");

            // MetricServer always writes the Prometheus text format, whatever is asked, unless protobuf is served.
            textType.ShouldBe("text/plain; version=0.0.4; charset=utf-8");
            Encoding(text).ShouldContain("eps_wait_seconds_bucket{le=\"10\"} 3\n");
            if (ActiveStrategy.IsPortable)
            {
                type.ShouldBe("text/plain; version=0.0.4; charset=utf-8");
                return;
            }
            type.ShouldBe(Exposition.ProtobufFormat.ContentType);
            AssertLegacyFamilies(body, "eps");
        });
    }

    [Fact]
    public async Task Without_native_buckets_prometheus_net_endpoints_negotiate_as_unpatched_unless_ServeProtobuf_says_otherwise()
    {
        using var http = new HttpClient();

        // The fixture's patch gives no histogram native buckets: prometheus-net's negotiation, which skips protobuf.
        (await ScrapeMapMetrics(http, LegacyRegistry("epd"))).Type.ShouldBe("application/openmetrics-text; version=1.0.0; charset=utf-8");
        await Patched(new PatchOptions { ServeProtobuf = false, NativeHistograms = new NativeHistogramOptions() }, async () =>
            (await ScrapeMapMetrics(http, LegacyRegistry("epf"))).Type.ShouldBe("application/openmetrics-text; version=1.0.0; charset=utf-8"));
        await Patched(new PatchOptions { ServeProtobuf = true }, async () =>
        {
            var (type, body) = await ScrapeMapMetrics(http, LegacyRegistry("ept"));
            if (ActiveStrategy.IsPortable)
            {
                type.ShouldBe("application/openmetrics-text; version=1.0.0; charset=utf-8");
                return;
            }
            // Classic metrics go out in protobuf too: a Prometheus that asks for it gets everything in it.
            type.ShouldBe(Exposition.ProtobufFormat.ContentType);
            var families = PrometheusProtobufReader.Read(body).ToDictionary(f => f.Name);
            families["ept_orders_total"].Metrics.Single().Counter.ShouldBe(3);
            var wait = families["ept_wait_seconds"].Metrics.Single().Histogram!;
            wait.Schema.ShouldBeNull();
            (wait.Count, wait.Sum).ShouldBe((4UL, 18.3));
            wait.Buckets.ShouldBe([(1UL, 1.0), (3UL, 10.0)]);
        });
    }

    [Fact]
    public async Task An_application_that_only_calls_PatchClient_gains_native_buckets_from_PYTHEUS_NATIVE_HISTOGRAMS()
    {
        using var http = new HttpClient();
        Environment.SetEnvironmentVariable("PYTHEUS_NATIVE_HISTOGRAMS", "schema=1");
        try
        {
            await Patched(new PatchOptions(), async () =>
            {
                var (type, body) = await ScrapeMapMetrics(http, LegacyRegistry("epv"));
                if (!ActiveStrategy.IsPortable)
                {
                    type.ShouldBe(Exposition.ProtobufFormat.ContentType);
                    AssertLegacyFamilies(body, "epv");
                }
            });
        }
        finally
        {
            Environment.SetEnvironmentVariable("PYTHEUS_NATIVE_HISTOGRAMS", null);
        }
    }

    [Fact]
    public void Bad_native_histogram_options_fail_PatchClient_before_anything_is_patched()
    {
        using var unpatched = fixture.Repatch(null);
        var counter = PromMetrics.WithCustomRegistry(PromMetrics.NewCustomRegistry()).CreateCounter("epb_orders_total", "Orders.", "region").WithLabels("eu");

        Should.Throw<BucketException>(() => Compat.PatchClient(new PatchOptions { NativeHistograms = new NativeHistogramOptions { Schema = 9 } }))
            .Message.ShouldStartWith("Histogram '*': native histogram schema 9 is outside -4..8.");
        counter.Inc(2);

        // Still prometheus-net's own storage: nothing was redirected.
        PrometheusNetStorage.CounterValue(counter).ShouldBe(2);
    }

    private static async Task<(string Type, byte[] Body)> ScrapeMapMetrics(HttpClient http, Prometheus.CollectorRegistry registry)
    {
        await using var app = await StartMapMetrics(registry);
        var scraped = await Scrape(http, AddressOf(app) + "/metrics", NativePrometheusAccept);
        await app.StopAsync();
        return scraped;
    }

    [PortableFact]
    public void Under_the_portable_strategy_native_buckets_and_ServeProtobuf_are_ignored_with_a_warning_each()
    {
        var logger = new ListLogger();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(new OneLoggerProvider(logger)));

        using var patch = fixture.Repatch(new PatchOptions
        {
            Registry = new PyRegistry(), Backend = new InProcessBackend(), LoggerFactory = loggers,
            NativeHistograms = new NativeHistogramOptions(), ServeProtobuf = true,
        });

        logger.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Id.Id).Order().ShouldBe([7, 8]);
    }

    /// <summary>The counter and histogram <see cref="LegacyRegistry"/> wrote, decoded from protobuf: exact values, native buckets of schema 1.</summary>
    private static void AssertLegacyFamilies(byte[] body, string prefix)
    {
        var families = PrometheusProtobufReader.Read(body).ToDictionary(f => f.Name);
        families[prefix + "_orders_total"].Metrics.Single().Counter.ShouldBe(3);
        var wait = families[prefix + "_wait_seconds"].Metrics.Single().Histogram!;
        (wait.Count, wait.Sum).ShouldBe((4UL, 18.3));
        wait.Buckets.ShouldBe([(1UL, 1.0), (3UL, 10.0)]);
        // Schema 1 (base √2): 0.3 in (0.25, 0.354] = bucket -3; 3 in (2.83, 4] = 4; 12 in (11.3, 16] = 8.
        wait.Schema.ShouldBe(1);
        wait.Side(negative: false).ShouldBe([(-3, 1L), (4, 2L), (8, 1L)]);
    }

    /// <summary>A legacy application's metrics, written with plain prometheus-net into a registry of its own.</summary>
    private static Prometheus.CollectorRegistry LegacyRegistry(string prefix)
    {
        var registry = PromMetrics.NewCustomRegistry();
        Compat.Attach(registry);
        var factory = PromMetrics.WithCustomRegistry(registry);
        factory.CreateCounter(prefix + "_orders_total", "Orders.").Inc(3);
        var wait = factory.CreateHistogram(prefix + "_wait_seconds", "Wait.", new HistogramConfiguration { Buckets = [1, 10] });
        foreach (var value in new[] { 0.3, 3, 3, 12 })
        {
            wait.Observe(value);
        }
        return registry;
    }

    /// <summary>Runs <paramref name="body"/> under a patch with <paramref name="options"/>, then puts the fixture's patch back.</summary>
    private async Task Patched(PatchOptions options, Func<Task> body)
    {
        options.Registry = new PyRegistry();
        options.Backend = new InProcessBackend();
        using var patch = fixture.Repatch(options);
        await body();
    }

    private static async Task<WebApplication> StartMapMetrics(Prometheus.CollectorRegistry registry)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapMetrics("/metrics", registry);
        await app.StartAsync();
        return app;
    }

    private static string AddressOf(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    private static async Task<(string Type, byte[] Body)> Scrape(HttpClient http, string url, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        using var response = await http.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (response.Content.Headers.ContentType!.ToString(), await response.Content.ReadAsByteArrayAsync());
    }

    private static string Encoding(byte[] body) => System.Text.Encoding.UTF8.GetString(body);

    private sealed class OneLoggerProvider(ILogger logger) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
