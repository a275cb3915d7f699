using System.Globalization;
using Pytheus.Backends;
using Pytheus.Backends.Redis;
using Pytheus.Metrics;
using Pytheus.Registry;

/// <summary>
/// A writer process of the quantile tests: observes <c>count</c> values drawn log-uniformly from [e^-4, e^4) by
/// <c>new Random(seed)</c> into the summary <c>mq_latency_seconds</c> (objectives 0.5, 0.9, 0.99, 0.999; label
/// <c>route="shared"</c>) and increments <c>mq_requests_total</c> once with the exemplar <c>{worker="&lt;seed&gt;"}</c>
/// on a Redis backend, then disposes it (final flush) and prints <c>done</c>.
/// Arguments: <c>sketch &lt;port&gt; &lt;key prefix&gt; &lt;seed&gt; &lt;count&gt;</c>.
/// </summary>
internal static class SketchWorker
{
    public static readonly double[] Objectives = [0.5, 0.9, 0.99, 0.999];

    public static int Run(string[] args)
    {
        var seed = int.Parse(args[2], CultureInfo.InvariantCulture);
        var count = int.Parse(args[3], CultureInfo.InvariantCulture);
        using (var backend = new RedisBackend(new RedisBackendOptions
        {
            ConnectionString = $"127.0.0.1:{args[0]},connectTimeout=1000,syncTimeout=2000,asyncTimeout=2000",
            KeyPrefix = args[1],
            FlushInterval = TimeSpan.FromMilliseconds(50),
            ShutdownTimeout = TimeSpan.FromSeconds(20),
        }))
        {
            Summary latency;
            Counter requests;
            using (Backend.BeginScope(backend))
            {
                latency = new Summary("mq_latency_seconds", "Latency", ["route"], registry: new CollectorRegistry(), objectives: Objectives);
                requests = new Counter("mq_requests_total", "Requests", registry: new CollectorRegistry());
            }
            var shared = latency.Labels(("route", "shared"));
            var random = new Random(seed);
            for (var i = 0; i < count; i++)
            {
                shared.Observe(Math.Exp(random.NextDouble() * 8 - 4));
            }
            requests.Inc(1, new Exemplar(("worker", args[2])));
        }
        Console.WriteLine("done");
        return 0;
    }
}
