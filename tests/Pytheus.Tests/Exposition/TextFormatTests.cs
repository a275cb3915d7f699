using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Exposition;

public class TextFormatTests
{
    [Fact]
    public void Renders_the_pytheus_readme_scenario_exactly()
    {
        var registry = new CollectorRegistry(prefix: "app");
        var requests = new Counter("http_requests_total", "Total requests", ["method", "code"], registry: registry);
        requests.Labels(("method", "GET"), ("code", "200")).Inc();
        requests.Labels(new Dictionary<string, string> { ["code"] = "500", ["method"] = "POST" }).Inc(2.5);
        new Gauge("temperature_celsius", "Room temp \"C\"\nsecond line \\ end", registry: registry).Set(21.5);
        var latency = new Histogram("latency_seconds", "Latency", ["svc"], new Dictionary<string, string> { ["svc"] = "api" },
            buckets: [0.1, 1, 5.0], registry: registry);
        latency.Observe(0.05);
        latency.Observe(3);
        latency.Labels(("svc", "we\"ird\\")).Observe(0.5);
        new Summary("payload_bytes", "Payload size", registry: registry).Observe(512);

        MetricsExposition.GenerateMetrics(registry).ShouldBe(
            """
            # HELP app_http_requests_total Total requests
            # TYPE app_http_requests_total counter
            app_http_requests_total{method="GET",code="200"} 1
            app_http_requests_total{method="POST",code="500"} 2.5
            # HELP app_temperature_celsius Room temp "C"\nsecond line \\ end
            # TYPE app_temperature_celsius gauge
            app_temperature_celsius 21.5
            # HELP app_latency_seconds Latency
            # TYPE app_latency_seconds histogram
            app_latency_seconds_bucket{svc="api",le="0.1"} 1
            app_latency_seconds_bucket{svc="api",le="1"} 1
            app_latency_seconds_bucket{svc="api",le="5"} 2
            app_latency_seconds_bucket{svc="api",le="+Inf"} 2
            app_latency_seconds_sum{svc="api"} 3.05
            app_latency_seconds_count{svc="api"} 2
            app_latency_seconds_bucket{svc="we\"ird\\",le="0.1"} 0
            app_latency_seconds_bucket{svc="we\"ird\\",le="1"} 1
            app_latency_seconds_bucket{svc="we\"ird\\",le="5"} 1
            app_latency_seconds_bucket{svc="we\"ird\\",le="+Inf"} 1
            app_latency_seconds_sum{svc="we\"ird\\"} 0.5
            app_latency_seconds_count{svc="we\"ird\\"} 1
            # HELP app_payload_bytes Payload size
            # TYPE app_payload_bytes summary
            app_payload_bytes_sum 512
            app_payload_bytes_count 1

            """.ReplaceLineEndings("\n"));
    }
}
