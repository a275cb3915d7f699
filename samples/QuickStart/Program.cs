// A single-process Pytheus service: a few metrics, a worker loop, and /metrics served by the built-in endpoint.
// Switch to Redis without touching this code: PYTHEUS_BACKEND_CLASS / PYTHEUS_BACKEND_CONFIG (see README).
using Pytheus.Exposition;
using Pytheus.Metrics;

var port = int.TryParse(Environment.GetEnvironmentVariable("PORT"), out var p) ? p : 8000;

var jobs = new Counter("jobs_processed_total", "Jobs processed", requiredLabels: ["queue", "outcome"]);
var inFlight = new Gauge("jobs_in_flight", "Jobs being processed now");
var duration = new Histogram("job_duration_seconds", "Time spent on one job", requiredLabels: ["queue"]);
var emails = jobs.Labels(("queue", "emails"));

using var server = new MetricsServer(port, host: "127.0.0.1").Start();
Console.WriteLine($"Serving {server.Url} — Ctrl+C to stop");

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
var random = new Random();
while (!stop.IsCancellationRequested)
{
    using (inFlight.TrackInProgress())
    using (duration.Labels(("queue", "emails")).Time())
    {
        await Task.Delay(random.Next(5, 50), CancellationToken.None);
    }
    emails.Labels(("outcome", random.Next(10) == 0 ? "failed" : "ok")).Inc();
}
