using Prometheus;

namespace LegacyLibrary;

/// <summary>
/// prometheus-net behaviours an application can observe, each run on a registry of its own. Run unpatched they record
/// what prometheus-net does; run under PatchClient() they must record the same.
/// </summary>
public static class FidelityScenarios
{
    public static IReadOnlyDictionary<string, Func<CollectorRegistry, Task<Transcript>>> All { get; } =
        new Dictionary<string, Func<CollectorRegistry, Task<Transcript>>>
        {
            [nameof(RemoveAndRecreate)] = RemoveAndRecreate,
            [nameof(RemoveUnlabelled)] = RemoveUnlabelled,
            [nameof(LabelledWrittenWithoutLabels)] = LabelledWrittenWithoutLabels,
            [nameof(SeveralLabelSetsOfOneName)] = SeveralLabelSetsOfOneName,
            [nameof(UnpublishAfterWrite)] = UnpublishAfterWrite,
            [nameof(SuppressedNeverPublished)] = SuppressedNeverPublished,
            [nameof(BucketLabels)] = BucketLabels,
            [nameof(ExemplarChecks)] = ExemplarChecks,
            [nameof(SummaryQuantiles)] = SummaryQuantiles,
            [nameof(ExemplarsExposed)] = ExemplarsExposed,
        };

    /// <summary>RemoveLabelled, re-creation before the next scrape, Dispose, writes through removed children.</summary>
    public static async Task<Transcript> RemoveAndRecreate(CollectorRegistry registry)
    {
        var t = new Transcript();
        var jobs = Metrics.WithCustomRegistry(registry).CreateCounter("fr_jobs_total", "Jobs.", "queue");
        var old = jobs.WithLabels("a");
        old.Inc(5);
        await t.Export("first", registry);
        jobs.RemoveLabelled("a");
        var fresh = jobs.WithLabels("a");
        fresh.Inc(5);
        await t.Export("recreated", registry);
        fresh.Inc(5);
        await t.Export("later", registry);
        old.Inc(1);
        t.Value("old", old.Value);
        t.Value("fresh", fresh.Value);
        await t.Export("after-old-write", registry);
        fresh.Dispose();
        await t.Export("disposed", registry);
        var never = jobs.WithLabels("b");
        jobs.RemoveLabelled("b");
        never.Inc(3);
        t.Value("never", never.Value);
        await t.Export("removed-before-use", registry);
        jobs.WithLabels("a").Inc(1);
        await t.Export("again", registry);
        return t;
    }

    /// <summary>Removing the only sample of a metric without labels: prometheus-net starts a new one at 0.</summary>
    public static async Task<Transcript> RemoveUnlabelled(CollectorRegistry registry)
    {
        var t = new Transcript();
        var level = Metrics.WithCustomRegistry(registry).CreateGauge("fr_level", "Level.");
        level.Set(7);
        var first = ((ICollector<Gauge.Child>)level).Unlabelled;
        first.Remove();
        await t.Export("removed", registry);
        level.Inc(2);
        t.Value("level", level.Value);
        t.Value("first", first.Value);
        await t.Export("written", registry);
        return t;
    }

    /// <summary>A labelled metric written without labels exposes an unlabelled sample in the same family.</summary>
    public static async Task<Transcript> LabelledWrittenWithoutLabels(CollectorRegistry registry)
    {
        var t = new Transcript();
        var factory = Metrics.WithCustomRegistry(registry);
        var hits = factory.CreateCounter("fu_hits_total", "Hits.", "route");
        hits.WithLabels("/a").Inc(2);
        t.Try("inc", () =>
        {
            hits.Inc();
            hits.Inc(2);
        });
        t.Value("hits", hits.Value);
        var latency = factory.WithLabels(new Dictionary<string, string> { ["svc"] = "api" })
            .CreateHistogram("fu_latency_seconds", "Latency.", new HistogramConfiguration { LabelNames = ["route"], Buckets = [1] });
        latency.WithLabels("/a").Observe(0.5);
        t.Try("observe", () => latency.Observe(2));
        t.Value("count", latency.Count);
        t.Value("sum", latency.Sum);
        await t.Export("text", registry);
        return t;
    }

    /// <summary>One name created with several label sets (as the meter adapter does per tag set): all are exposed.</summary>
    public static async Task<Transcript> SeveralLabelSetsOfOneName(CollectorRegistry registry)
    {
        var t = new Transcript();
        var factory = Metrics.WithCustomRegistry(registry);
        factory.CreateCounter("fs_requests_total", "Requests.", "method").WithLabels("GET").Inc(1);
        factory.CreateCounter("fs_requests_total", "Requests.", "method", "code").WithLabels("GET", "200").Inc(2);
        factory.CreateCounter("fs_requests_total", "Requests.").Inc(3);
        var api = factory.WithLabels(new Dictionary<string, string> { ["svc"] = "api" }).CreateCounter("fs_requests_total", "Requests.", ["method"]);
        api.WithLabels("POST").Inc(4);
        t.Value("api", api.WithLabels("POST").Value);
        await t.Export("text", registry);
        return t;
    }

    /// <summary>Unpublish() after a write hides the series until the next write.</summary>
    public static async Task<Transcript> UnpublishAfterWrite(CollectorRegistry registry)
    {
        var t = new Transcript();
        var factory = Metrics.WithCustomRegistry(registry);
        var temperature = factory.CreateGauge("fp_temperature", "Temperature.", "room");
        var kitchen = temperature.WithLabels("kitchen");
        kitchen.Set(20);
        temperature.WithLabels("hall").Set(18);
        var events = factory.CreateCounter("fp_events_total", "Events.");
        events.Inc(4);
        kitchen.Unpublish();
        ((ICollector<Counter.Child>)events).Unlabelled.Unpublish();
        await t.Export("unpublished", registry);
        t.Value("kitchen", kitchen.Value);
        kitchen.Set(21);
        await t.Export("written-again", registry);
        return t;
    }

    /// <summary>A family with nothing published still has its HELP and TYPE lines.</summary>
    public static async Task<Transcript> SuppressedNeverPublished(CollectorRegistry registry)
    {
        var t = new Transcript();
        var factory = Metrics.WithCustomRegistry(registry);
        factory.CreateGauge("fx_ready", "Ready.", new GaugeConfiguration { SuppressInitialValue = true });
        factory.CreateCounter("fx_unused_total", "Unused.", "k");
        var hidden = factory.CreateCounter("fx_hidden_total", "Hidden.", new CounterConfiguration { LabelNames = ["k"], SuppressInitialValue = true });
        var child = hidden.WithLabels("a");
        await t.Export("text", registry);
        child.Publish();
        await t.Export("published", registry);
        return t;
    }

    /// <summary>The le labels of each format: part of a series' identity.</summary>
    public static async Task<Transcript> BucketLabels(CollectorRegistry registry)
    {
        var t = new Transcript();
        var latency = Metrics.WithCustomRegistry(registry).CreateHistogram("fo_latency_seconds", "Latency.",
            new HistogramConfiguration { Buckets = [1e-05, 0.5, 1, 2.5, 1000000] });
        latency.Observe(0.7);
        latency.Observe(2);
        await t.Export("text", registry);
        await t.Export("openmetrics", registry, ExpositionFormat.OpenMetricsText);
        return t;
    }

    /// <summary>prometheus-net's checks of explicit exemplars: reuse, duplicate keys, length.</summary>
    public static async Task<Transcript> ExemplarChecks(CollectorRegistry registry)
    {
        var t = new Transcript();
        var factory = Metrics.WithCustomRegistry(registry);
        var calls = factory.CreateCounter("fe_calls_total", "Calls.");
        var exemplar = Exemplar.From(Exemplar.Pair("trace_id", "abc"));
        t.Try("first", () => calls.Inc(2, exemplar));
        t.Try("reused", () => calls.Inc(1, exemplar));
        t.Try("duplicate-keys", () => calls.Inc(1, Exemplar.From(Exemplar.Pair("k", "1"), Exemplar.Pair("k", "2"))));
        t.Try("too-long", () => calls.Inc(1, Exemplar.From(Exemplar.Pair("k", new string('x', 200)))));
        t.Try("none", () => calls.Inc(1, Exemplar.None));
        t.Value("calls", calls.Value);
        var latency = factory.CreateHistogram("fe_latency_seconds", "Latency.", new HistogramConfiguration { Buckets = [1] });
        var observed = Exemplar.From(Exemplar.Pair("trace_id", "def"));
        t.Try("observe", () => latency.Observe(0.5, observed));
        t.Try("observe-reused", () => latency.Observe(0.5, observed));
        await t.Export("text", registry);
        return t;
    }

    /// <summary>
    /// A summary with objectives exposes its quantile lines after sum and count (NaN while its window is empty). The
    /// values are estimates — prometheus-net's within its epsilon in rank, Pytheus's within 1% in value — so each is
    /// recorded as the exact quantile of the data when it is within 1% of it, and as itself otherwise.
    /// </summary>
    public static async Task<Transcript> SummaryQuantiles(CollectorRegistry registry)
    {
        var t = new Transcript();
        var factory = Metrics.WithCustomRegistry(registry);
        var sizes = factory.CreateSummary("fq_size_bytes", "Sizes.", new SummaryConfiguration
        {
            LabelNames = ["kind"],
            Objectives = [new QuantileEpsilonPair(0.5, 0.001), new QuantileEpsilonPair(0.9, 0.001), new QuantileEpsilonPair(0.99, 0.001)],
        });
        factory.CreateSummary("fq_idle_seconds", "Idle.", new SummaryConfiguration { Objectives = [new QuantileEpsilonPair(0.5, 0.05)] });
        // 1000..2999 in a fixed shuffled order; the exact quantile q is the value of rank ⌊q·(n−1)⌋.
        var values = Enumerable.Range(1000, 2000).Select(i => (double)i).OrderBy(v => (v * 7919) % 2000).ToArray();
        foreach (var value in values)
        {
            sizes.WithLabels("a").Observe(value);
        }
        Dictionary<string, double> exact = new() { ["0.5"] = 1999, ["0.9"] = 2799, ["0.99"] = 2979 };
        await t.Export("text", registry, rewrite: text => SnapQuantiles(text, exact));
        await t.Export("openmetrics", registry, ExpositionFormat.OpenMetricsText, text => SnapQuantiles(text, exact));
        return t;
    }

    private static string SnapQuantiles(string text, Dictionary<string, double> exact) =>
        System.Text.RegularExpressions.Regex.Replace(text, "(quantile=\"([^\"]+)\"\\} )(\\S+)", m =>
        {
            var value = double.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
            return exact.TryGetValue(m.Groups[2].Value, out var q) && Math.Abs(value - q) <= 0.01 * q
                ? m.Groups[1].Value + q.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : m.Value;
        });

    /// <summary>
    /// The latest exemplar of a counter series and of each histogram bucket is exposed in OpenMetrics (never in the text
    /// format). Each exemplar is recorded on a line of its own with its value, and its timestamp as "recent" when it is.
    /// </summary>
    public static async Task<Transcript> ExemplarsExposed(CollectorRegistry registry)
    {
        var t = new Transcript();
        var factory = Metrics.WithCustomRegistry(registry);
        var calls = factory.CreateCounter("fx_calls_total", "Calls.", "route");
        calls.WithLabels("/a").Inc(2, Exemplar.From(Exemplar.Pair("trace_id", "abc")));
        calls.WithLabels("/b").Inc(1);
        var latency = factory.CreateHistogram("fx_latency_seconds", "Latency.", new HistogramConfiguration { Buckets = [0.1, 1] });
        latency.Observe(0.05, Exemplar.From(Exemplar.Pair("trace_id", "fast"), Exemplar.Pair("span_id", "12")));
        latency.Observe(0.5, Exemplar.From(Exemplar.Pair("trace_id", "slow")));
        latency.Observe(0.07);
        await t.Export("text", registry);
        await t.Export("openmetrics", registry, ExpositionFormat.OpenMetricsText, SeparateExemplars);
        return t;
    }

    private static string SeparateExemplars(string text) => string.Join('\n', text.Split('\n').SelectMany(line =>
    {
        var marker = line.IndexOf(" # {", StringComparison.Ordinal);
        if (marker < 0)
        {
            return new[] { line };
        }
        var sample = line[..marker];
        var exemplar = line[(marker + 3)..];
        var close = exemplar.LastIndexOf('}');
        var numbers = exemplar[(close + 2)..].Split(' ');
        var value = double.Parse(numbers[0], System.Globalization.CultureInfo.InvariantCulture).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var timestamp = double.Parse(numbers[1], System.Globalization.CultureInfo.InvariantCulture);
        var age = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 - timestamp;
        var when = age is >= 0 and < 600 ? "recent" : numbers[1];
        return [sample, $"# exemplar of {sample[..sample.LastIndexOf(' ')]}: {exemplar[..(close + 1)]} {value} {when}"];
    }));
}
