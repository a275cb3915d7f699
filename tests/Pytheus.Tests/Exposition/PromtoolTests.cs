using System.Diagnostics;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Exposition;

/// <summary>
/// Prometheus's own checker accepts our output. Needs <c>promtool</c> (Debian package <c>prometheus</c>); a missing
/// promtool fails the test rather than skipping it.
/// </summary>
public class PromtoolTests
{
    [Fact]
    public async Task Promtool_check_metrics_accepts_a_rich_registry()
    {
        var registry = new CollectorRegistry(prefix: "app");
        var requests = new Counter("http_requests_total", "Requests served, by \"method\" and code.\nSecond line \\ with backslash.",
            ["method", "code"], registry: registry);
        requests.Labels(("method", "GET"), ("code", "200")).Inc(1234567);
        requests.Labels(("code", "500"), ("method", "PO\"ST\\\n")).Inc(0.5);
        _ = requests.Labels(("method", "PUT"));
        var inFlight = new Gauge("in_flight_requests", "Requests in flight.", ["pool"], new Dictionary<string, string> { ["pool"] = "main" }, registry: registry);
        inFlight.Set(-3);
        inFlight.Labels(("pool", "µ-pool é")).Set(double.NaN);
        new Gauge("temperature_celsius", "Temperature.", registry: registry).Set(double.NegativeInfinity);
        var latency = new Histogram("request_duration_seconds", "Latency.", ["route"], new Dictionary<string, string> { ["route"] = "/" },
            buckets: [1e-05, 0.5, 1, 1e6], registry: registry);
        latency.Observe(0.3);
        latency.Observe(7);
        latency.Labels(("route", "/api")).Observe(double.PositiveInfinity);
        new Histogram("queue_wait_seconds", "Default buckets.", registry: registry).Observe(0.02);
        new Summary("payload_bytes", "Payload sizes.", ["kind"], registry: registry).Labels(("kind", "json")).Observe(512);
        new Summary("batch_size", "Batch sizes.", registry: registry).Observe(1e21);
        new Counter("unused_total", "Declared, no series yet.", ["a"], registry: registry);
        registry.Register(new JobsCollector());

        var text = MetricsExposition.GenerateMetrics(registry);
        var (exitCode, output) = await RunPromtoolAsync(text);

        exitCode.ShouldBe(0, $"promtool check metrics said:\n{output}\n--- input ---\n{text}");
        text.ShouldContain("# TYPE cc_jobs_total counter\n");
        text.ShouldContain("# TYPE app_http_requests_total counter\n");
    }

    [Fact]
    public async Task Promtool_rejects_broken_input_so_the_check_above_means_something()
    {
        var (exitCode, _) = await RunPromtoolAsync("# TYPE x counter\nx{a=\"unterminated} 1\n");

        exitCode.ShouldNotBe(0);
    }

    private static async Task<(int ExitCode, string Output)> RunPromtoolAsync(string input)
    {
        var path = new[] { "/usr/bin/promtool", "/usr/local/bin/promtool" }.FirstOrDefault(File.Exists);
        path.ShouldNotBeNull("promtool is not installed (Debian package 'prometheus'); the test command installs it.");
        var start = new ProcessStartInfo(path, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private sealed class JobsCollector : CustomCollector
    {
        public override IEnumerable<Metric> CollectMetrics()
        {
            var jobs = new Counter("cc_jobs_total", "Jobs seen by a custom collector.", ["state"], registry: CollectorRegistry.None);
            jobs.Labels(("state", "done")).Inc(3);
            jobs.Labels(("state", "failed")).Inc(1);
            yield return jobs;
        }
    }
}
