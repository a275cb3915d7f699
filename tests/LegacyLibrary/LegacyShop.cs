using Prometheus;

namespace LegacyLibrary;

/// <summary>
/// A slice of an application instrumented with prometheus-net only. Every method uses one prometheus-net API so a test
/// can run it after PatchClient() and check where the values went.
/// </summary>
public sealed class LegacyShop
{
    private readonly IMetricFactory _factory;

    public LegacyShop(CollectorRegistry registry, string prefix)
    {
        Registry = registry;
        Prefix = prefix;
        _factory = Metrics.WithCustomRegistry(registry);
        Orders = _factory.CreateCounter(prefix + "_orders_total", "Orders.", new CounterConfiguration { LabelNames = ["status", "region"] });
        Requests = _factory.CreateCounter(prefix + "_requests_total", "Requests.");
        Queue = _factory.CreateGauge(prefix + "_queue_length", "Queue length.", new GaugeConfiguration { LabelNames = ["queue"] });
        InFlight = _factory.CreateGauge(prefix + "_in_flight", "In flight.");
        Latency = _factory.CreateHistogram(prefix + "_latency_seconds", "Latency.",
            new HistogramConfiguration { LabelNames = ["route"], Buckets = Histogram.LinearBuckets(0.1, 0.1, 5) });
        Sizes = _factory.CreateHistogram(prefix + "_size_bytes", "Sizes.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 10, 4) });
        Payload = _factory.CreateSummary(prefix + "_payload_bytes", "Payload.",
            new SummaryConfiguration { Objectives = [new QuantileEpsilonPair(0.5, 0.05), new QuantileEpsilonPair(0.9, 0.01)] });
        Errors = _factory.CreateCounter(prefix + "_errors_total", "Errors.");
        Suppressed = _factory.CreateGauge(prefix + "_suppressed", "Hidden until set.", new GaugeConfiguration { SuppressInitialValue = true });
    }

    public CollectorRegistry Registry { get; }
    public string Prefix { get; }
    public Counter Orders { get; }
    public Counter Requests { get; }
    public Gauge Queue { get; }
    public Gauge InFlight { get; }
    public Histogram Latency { get; }
    public Histogram Sizes { get; }
    public Summary Payload { get; }
    public Counter Errors { get; }
    public Gauge Suppressed { get; }

    public void PlaceOrders()
    {
        Orders.WithLabels("ok", "eu").Inc();
        Orders.WithLabels("ok", "eu").Inc(2);
        Orders.Labels("failed", "us").Inc(0.5);
        ICounter viaInterface = Orders.WithLabels("ok", "us");
        viaInterface.Inc(4);
        Requests.Inc();
        Requests.IncTo(10);
        Requests.IncTo(3);
    }

    public void MoveQueues()
    {
        var emails = Queue.WithLabels("emails");
        emails.Inc(5);
        emails.Dec(2);
        emails.Dec();
        Queue.WithLabels("sms").Set(7);
        Queue.WithLabels("sms").IncTo(9);
        Queue.WithLabels("sms").DecTo(4);
        IGauge push = Queue.WithLabels("push");
        push.Set(1.5);
        Queue.WithLabels("stamp").SetToCurrentTimeUtc();
        using (InFlight.TrackInProgress())
        {
            InFlightWhileTracked = InFlight.Value;
        }
    }

    public double InFlightWhileTracked { get; private set; }

    public void ObserveLatencies()
    {
        var home = Latency.WithLabels("/home");
        home.Observe(0.05);
        home.Observe(0.25);
        home.Observe(0.35, 3);
        home.Observe(double.NaN);
        IHistogram api = Latency.WithLabels("/api");
        api.Observe(7);
        Sizes.Observe(5);
        Sizes.Observe(500);
        using (Latency.WithLabels("/timed").NewTimer())
        {
        }
        Payload.Observe(100);
        Payload.Observe(300);
        using (Payload.NewTimer())
        {
        }
    }

    public void FailSometimes()
    {
        for (var i = 0; i < 3; i++)
        {
            try
            {
                Errors.CountExceptions(() => throw new InvalidOperationException("boom " + i));
            }
            catch (InvalidOperationException)
            {
            }
        }
        Errors.CountExceptions(() => { });
    }

    public void RemoveFailedOrders() => Orders.RemoveLabelled("failed", "us");

    public void SetSuppressed(double value) => Suppressed.Set(value);

    public async Task<string> ExportAsync(ExpositionFormat format = ExpositionFormat.PrometheusText)
    {
        using var stream = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(stream, format);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
