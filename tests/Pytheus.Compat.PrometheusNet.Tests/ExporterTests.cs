using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;
using PromMetrics = Prometheus.Metrics;

namespace Pytheus.Compat.PrometheusNet.Tests;

/// <summary>Every prometheus-net exporter serves Pytheus's exposition once patched: real sockets, real HTTP.</summary>
[Collection(PatchedCollection.Name)]
public class ExporterTests
{
    [Fact]
    public async Task MetricServer_serves_pytheus_exposition()
    {
        var registry = NewRegistryWithOrders("ms1");
        var port = FreePort();
        using var server = new MetricServer("127.0.0.1", port, "metrics/", registry);
        server.Start();

        using var http = new HttpClient();
        var body = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");

        body.ShouldContain("ms1_orders_total{region=\"eu\"} 3\n");
    }

    [Fact]
    public async Task MapMetrics_negotiates_OpenMetrics_like_a_Prometheus_server_and_text_otherwise()
    {
        var registry = NewRegistryWithOrders("mm1");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapMetrics("/metrics", registry);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        using var http = new HttpClient();
        using var openMetricsRequest = new HttpRequestMessage(HttpMethod.Get, address + "/metrics");
        openMetricsRequest.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        using var openMetrics = await http.SendAsync(openMetricsRequest);
        var text = await http.GetStringAsync(address + "/metrics");

        openMetrics.Content.Headers.ContentType!.MediaType.ShouldBe("application/openmetrics-text");
        var openMetricsBody = await openMetrics.Content.ReadAsStringAsync();
        // Each exporter writes OpenMetrics its way: Pytheus's (TYPE first), or prometheus-net's own under the portable strategy.
        openMetricsBody.ShouldContain(ActiveStrategy.IsPortable
            ? "# HELP mm1_orders Orders.\n# TYPE mm1_orders counter\nmm1_orders_total{region=\"eu\"} 3.0\n"
            : "# TYPE mm1_orders counter\n# HELP mm1_orders Orders.\nmm1_orders_total{region=\"eu\"} 3\n");
        openMetricsBody.ShouldEndWith("# EOF\n");
        text.ShouldContain("# TYPE mm1_orders_total counter\nmm1_orders_total{region=\"eu\"} 3\n");
        await app.StopAsync();
    }

    [Fact]
    public async Task MetricPusher_pushes_pytheus_exposition()
    {
        var registry = NewRegistryWithOrders("mp1");
        var port = FreePort();
        using var gateway = new HttpListener();
        gateway.Prefixes.Add($"http://127.0.0.1:{port}/");
        gateway.Start();
        var firstPush = new TaskCompletionSource<(string Path, string Body)>();
        // A minimal push gateway: it answers every push (the pusher pushes again on its interval and when stopped).
        var serving = Task.Run(async () =>
        {
            while (gateway.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await gateway.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                using var reader = new StreamReader(context.Request.InputStream);
                firstPush.TrySetResult((context.Request.Url!.AbsolutePath, await reader.ReadToEndAsync()));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });
        var pusher = new MetricPusher(new MetricPusherOptions
        {
            Endpoint = $"http://127.0.0.1:{port}/metrics", Job = "compat", Registry = registry, IntervalMilliseconds = 100,
        });
        pusher.Start();

        var (path, body) = await firstPush.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await pusher.StopAsync();
        gateway.Stop();
        await serving;

        path.ShouldBe("/metrics/job/compat");
        body.ShouldContain("mp1_orders_total{region=\"eu\"} 3\n");
    }

    private static CollectorRegistry NewRegistryWithOrders(string prefix)
    {
        var registry = PromMetrics.NewCustomRegistry();
        Compat.Attach(registry);
        PromMetrics.WithCustomRegistry(registry).CreateCounter(prefix + "_orders_total", "Orders.", "region").WithLabels("eu").Inc(3);
        return registry;
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
