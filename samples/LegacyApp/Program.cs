// An ordinary prometheus-net web service. Its only Pytheus line is the first one: with it, every metric below is stored
// in the Pytheus backend chosen by PYTHEUS_BACKEND_CLASS / PYTHEUS_BACKEND_CONFIG (in-process by default, Redis to share
// one set of series between every copy of the service), and /metrics shows that shared picture.
using Prometheus;

Pytheus.Compat.PrometheusNet.Compat.PatchClient();

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

var orders = Metrics.CreateCounter("legacy_orders_total", "Orders accepted, by outcome.", "outcome");
var workDuration = Metrics.CreateHistogram("legacy_work_duration_seconds", "Time spent in /work.",
    new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 12) });
var jobsInProgress = Metrics.CreateGauge("legacy_jobs_in_progress", "Jobs running now.");
var failures = Metrics.CreateCounter("legacy_failures_total", "Requests that failed.");

app.UseRouting();
app.UseHttpMetrics();

app.MapGet("/", () => "LegacyApp: try /order, /work?ms=20, /fail and /metrics\n");
app.MapGet("/order", () =>
{
    var outcome = Random.Shared.Next(4) == 0 ? "rejected" : "accepted";
    orders.WithLabels(outcome).Inc();
    return outcome + "\n";
});
app.MapGet("/work", async (int? ms) =>
{
    using (jobsInProgress.TrackInProgress())
    using (workDuration.NewTimer())
    {
        await Task.Delay(Math.Clamp(ms ?? 10, 0, 30_000));
    }
    return "done\n";
});
app.MapGet("/fail", () =>
{
    try
    {
        failures.CountExceptions(() => throw new InvalidOperationException("simulated failure"));
    }
    catch (InvalidOperationException)
    {
    }
    return Results.StatusCode(500);
});
app.MapMetrics();

app.Run();
