using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pytheus.Backends.InProcess;
using Pytheus.Registry;

namespace Pytheus.AspNetCore.Tests.Http;

public sealed class HttpMetricsMiddlewareTests
{
    private static Task<TestHost> StartAsync(Action<HttpMetricsOptions>? configure = null) =>
        TestHost.StartAsync(
            b => b.Services.AddPytheus(o =>
            {
                o.Registry = new CollectorRegistry();
                o.BackendInstance = new InProcessBackend();
                o.SetAsCurrentBackend = false;
            }),
            app =>
            {
                app.UsePytheusHttpMetrics(o =>
                {
                    o.Filter = context => context.Request.Path != "/metrics";
                    configure?.Invoke(o);
                });
                app.MapGet("/items/{id}", (int id) => Results.Text($"item {id}"));
                app.MapPost("/upload", async (HttpContext context) =>
                {
                    using var reader = new StreamReader(context.Request.Body);
                    var body = await reader.ReadToEndAsync();
                    context.Response.StatusCode = 201;
                    await context.Response.WriteAsync(new string('x', body.Length * 2));
                });
                app.MapGet("/boom", IResult () => throw new InvalidOperationException("boom"));
                app.MapPytheusMetrics();
            });

    [Fact]
    public async Task Requests_are_labelled_by_route_template_not_path()
    {
        await using var host = await StartAsync();

        (await host.Client.GetStringAsync("/items/42")).ShouldBe("item 42");
        (await host.Client.GetStringAsync("/items/7")).ShouldBe("item 7");

        var text = await host.ScrapeAsync();
        text.ShouldContain("http_request_duration_seconds_count{method=\"GET\",route=\"/items/{id}\",status_code=\"200\"} 2\n");
        text.ShouldNotContain("/items/42");
        text.ShouldNotContain("route=\"/metrics\"");
        text.ShouldContain("http_response_size_bytes_sum{method=\"GET\",route=\"/items/{id}\",status_code=\"200\"} 13\n");
        text.ShouldContain("http_request_size_bytes_sum{method=\"GET\",route=\"/items/{id}\",status_code=\"200\"} 0\n");
    }

    [Fact]
    public async Task Status_code_and_body_sizes_are_recorded()
    {
        await using var host = await StartAsync();

        using var sized = await host.Client.PostAsync("/upload", new StringContent("hello"));
        // No Content-Length: the request body is counted as it is read.
        using var chunked = await host.Client.PostAsync("/upload", new StreamContent(new NonSeekableStream("abc"u8.ToArray())));

        sized.StatusCode.ShouldBe(HttpStatusCode.Created);
        chunked.StatusCode.ShouldBe(HttpStatusCode.Created);
        var text = await host.ScrapeAsync();
        text.ShouldContain("http_request_size_bytes_sum{method=\"POST\",route=\"/upload\",status_code=\"201\"} 8\n");
        text.ShouldContain("http_response_size_bytes_sum{method=\"POST\",route=\"/upload\",status_code=\"201\"} 16\n");
        text.ShouldContain("http_request_size_bytes_bucket{method=\"POST\",route=\"/upload\",status_code=\"201\",le=\"100\"} 2\n");
        text.ShouldContain("http_request_duration_seconds_count{method=\"POST\",route=\"/upload\",status_code=\"201\"} 2\n");
    }

    [Fact]
    public async Task Unmatched_requests_and_odd_methods_share_bounded_labels()
    {
        await using var host = await StartAsync();

        (await host.Client.GetAsync("/no/such/page/1")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await host.Client.GetAsync("/no/such/page/2")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod("FROBNICATE"), "/elsewhere"));

        var text = await host.ScrapeAsync();
        text.ShouldContain("http_request_duration_seconds_count{method=\"GET\",route=\"unmatched\",status_code=\"404\"} 2\n");
        text.ShouldContain("http_request_duration_seconds_count{method=\"OTHER\",route=\"unmatched\",status_code=\"404\"} 1\n");
        text.ShouldNotContain("/no/such");
        text.ShouldNotContain("FROBNICATE");
    }

    [Fact]
    public async Task An_unhandled_exception_is_recorded_as_500()
    {
        await using var host = await StartAsync();

        using var response = await host.Client.GetAsync("/boom");

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        var text = await host.ScrapeAsync();
        text.ShouldContain("http_request_duration_seconds_count{method=\"GET\",route=\"/boom\",status_code=\"500\"} 1\n");
    }

    [Fact]
    public async Task Names_and_buckets_are_configurable_and_size_metrics_can_be_off()
    {
        await using var host = await StartAsync(o =>
        {
            o.DurationMetricName = "api_latency_seconds";
            o.DurationBuckets = [0.5, 60];
            o.RequestSizeMetricName = null;
            o.ResponseSizeMetricName = null;
        });

        await host.Client.GetStringAsync("/items/1");

        var text = await host.ScrapeAsync();
        text.ShouldContain("api_latency_seconds_bucket{method=\"GET\",route=\"/items/{id}\",status_code=\"200\",le=\"60\"} 1\n");
        text.ShouldNotContain("le=\"0.005\"");
        text.ShouldNotContain("http_re");
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
