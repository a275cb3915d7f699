using System.Globalization;
using System.Text.RegularExpressions;
using Pytheus.Backends;
using Pytheus.Backends.Redis;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

// A worker process of the Redis backend's multi-process tests.
// Arguments: <port or StackExchange.Redis configuration string> <key prefix> <worker id> <threads> [flush interval ms,
// default 50] (or "gauges …": see GaugeWorker; "native …": see NativeWorker; "sketch …": see SketchWorker).
// Each thread loops over the same operations until "stop" arrives on stdin; "mark" prints the operations done so far.
// A scraper thread renders the registry every few milliseconds and checks that every scrape is well-formed.
// On "stop" it disposes the backend (final flush) and prints:
//   done <ops of thread 0>,<ops of thread 1>,... errors=<exceptions seen by callers> scrapes=<ok> failed=<scrapes that threw> bad=<malformed scrapes> pending=<series left unflushed> resends=<data-loss re-sends>
if (args.Length > 0 && args[0] == "gauges")
{
    return GaugeWorker.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "native")
{
    return NativeWorker.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "sketch")
{
    return SketchWorker.Run(args[1..]);
}
// A bare port means one local server; anything else is a configuration string (a cluster's nodes, a sentinel's service).
var server = int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? $"127.0.0.1:{port}" : args[0];
var prefix = args[1];
var id = args[2];
var threads = int.Parse(args[3], CultureInfo.InvariantCulture);
var flushIntervalMs = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 50;

var backend = new RedisBackend(new RedisBackendOptions
{
    ConnectionString = $"{server},connectTimeout=1000,syncTimeout=2000,asyncTimeout=2000,connectRetry=1",
    KeyPrefix = prefix,
    FlushInterval = TimeSpan.FromMilliseconds(flushIntervalMs),
    ScrapeTimeout = TimeSpan.FromSeconds(2),
    ShutdownTimeout = TimeSpan.FromSeconds(20),
});
var registry = new CollectorRegistry();
Counter requests;
Histogram latency;
Gauge inflight;
Summary payload;
using (Backend.BeginScope(backend))
{
    requests = new Counter("mp_requests_total", "Requests", ["route"], registry: registry);
    latency = new Histogram("mp_latency_seconds", "Latency", ["route"], buckets: [0.1, 1], registry: registry);
    inflight = new Gauge("mp_inflight", "Summed gauge", registry: registry, mode: GaugeMode.Sum);
    payload = new Summary("mp_payload_bytes", "Payload", ["route"], registry: registry);
}

var ops = new long[threads];
var errors = 0L;
var stop = false;
// Dyadic values: their sums are exact in any order, so totals can be compared exactly.
double[] values = [0.0625, 0.5, 4];
var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
{
    var shared = requests.Labels(("route", "shared"));
    var own = requests.Labels(("route", "w" + id));
    var sharedLatency = latency.Labels(("route", "shared"));
    var sharedPayload = payload.Labels(("route", "shared"));
    long i = 0;
    while (!Volatile.Read(ref stop))
    {
        try
        {
            shared.Inc();
            own.Inc(2);
            sharedLatency.Observe(values[i % 3]);
            inflight.Inc();
            sharedPayload.Observe(1);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref errors);
        }
        i++;
        Volatile.Write(ref ops[t], i);
    }
})).ToList();

long scrapes = 0, failed = 0, bad = 0;
var sample = new Regex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*=""([^""\\]|\\.)*"",?)*\})? \S+$", RegexOptions.Compiled);
var bucketInf = new Regex(@"^mp_latency_seconds_bucket\{route=""([^""]*)"",le=""\+Inf""\} (\S+)$", RegexOptions.Multiline);
var count = new Regex(@"^mp_latency_seconds_count\{route=""([^""]*)""\} (\S+)$", RegexOptions.Multiline);
// Renders the registry and checks the text; false when the scrape threw (Redis unreachable, timeout).
bool ScrapeOnce()
{
    string text;
    try
    {
        text = MetricsExposition.GenerateMetricsAsync(registry).GetAwaiter().GetResult();
    }
    catch (Exception e)
    {
        if (failed++ == 0)
        {
            Console.Error.WriteLine("first failed scrape: " + e.Message);
        }
        return false;
    }
    var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    var wellFormed = text.EndsWith('\n') && lines.All(l => l.StartsWith('#') || sample.IsMatch(l));
    var infs = bucketInf.Matches(text).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
    var counts = count.Matches(text).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
    // A scrape may come before any observation exists (the scraper starts with the workers): no series is fine,
    // a series whose _count differs from its +Inf bucket is not.
    if (!wellFormed || infs.Count != counts.Count || infs.Any(p => !counts.TryGetValue(p.Key, out var c) || c != p.Value))
    {
        bad++;
        Console.Error.WriteLine("bad scrape:\n" + text);
    }
    scrapes++;
    return true;
}

var scraper = new Thread(() =>
{
    while (!Volatile.Read(ref stop))
    {
        Thread.Sleep(ScrapeOnce() ? 10 : 20);
    }
});

workers.ForEach(w => w.Start());
scraper.Start();
Console.WriteLine("ready");
string? command;
while ((command = Console.ReadLine()) is not null && command != "stop")
{
    if (command == "mark")
    {
        Console.WriteLine("mark " + Enumerable.Range(0, threads).Sum(t => Volatile.Read(ref ops[t])));
    }
    else if (command == "flush")
    {
        // Flushes until Redis confirms (bounded): the randomized fault run settles every process while all are alive.
        var flushed = false;
        for (var attempt = 0; attempt < 100 && !flushed; attempt++)
        {
            try
            {
                backend.FlushAsync().GetAwaiter().GetResult();
                flushed = true;
            }
            catch (Exception)
            {
                Thread.Sleep(200);
            }
        }
        Console.WriteLine(flushed ? "flushed" : "not flushed");
    }
    else if (command == "quiesce")
    {
        // Stop writing but keep the backend undisposed: the test then sends SIGTERM, and only the backend's
        // ProcessExit handler can deliver what is still pending.
        Volatile.Write(ref stop, true);
        workers.ForEach(w => w.Join());
        scraper.Join();
        Console.WriteLine($"quiesced {string.Join(',', ops)} errors={errors}");
    }
}
Volatile.Write(ref stop, true);
workers.ForEach(w => w.Join());
scraper.Join();
// Under faults and load every scrape of the run may have failed: at least one, after the writers stopped, must succeed.
for (var attempt = 0; attempt < 100 && scrapes == 0 && !ScrapeOnce(); attempt++)
{
    Thread.Sleep(200);
}
backend.Dispose();
var status = backend.Status;
if (status.LastError is { } lastError)
{
    Console.Error.WriteLine("last flush error: " + lastError);
}
Console.WriteLine($"done {string.Join(',', ops)} errors={errors} scrapes={scrapes} failed={failed} bad={bad} pending={status.PendingSeries} resends={status.DataLossResends}");
return 0;
