using System.Globalization;
using Pytheus.Backends;
using Pytheus.Backends.Redis;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

/// <summary>
/// A writer process of the gauge-mode tests: one gauge per mode (<c>gm_&lt;mode&gt;</c>, label <c>k</c>) on a Redis
/// backend that flushes every 50 ms and judges a writer dead after 3 × 50 ms + the grace given.
/// Arguments: <c>gauges &lt;port&gt; &lt;key prefix&gt; &lt;grace ms&gt; &lt;retention ms&gt;</c>. Prints
/// <c>ready &lt;writer id&gt;</c>, then answers stdin commands: <c>set|inc &lt;mode&gt; &lt;k&gt; &lt;value&gt;</c>,
/// <c>remove &lt;mode&gt; &lt;k&gt;</c> and <c>flush</c> (each answered <c>ok</c>), <c>scrape</c> (the text, then
/// <c>end</c>), <c>exit</c> (graceful).
/// </summary>
internal static class GaugeWorker
{
    public static int Run(string[] args)
    {
        var backend = new RedisBackend(new RedisBackendOptions
        {
            ConnectionString = $"127.0.0.1:{args[0]},connectTimeout=1000,syncTimeout=2000,asyncTimeout=2000",
            KeyPrefix = args[1],
            FlushInterval = TimeSpan.FromMilliseconds(50),
            LivenessGrace = TimeSpan.FromMilliseconds(int.Parse(args[2], CultureInfo.InvariantCulture)),
            DeadWriterRetention = TimeSpan.FromMilliseconds(int.Parse(args[3], CultureInfo.InvariantCulture)),
        });
        var registry = new CollectorRegistry();
        var gauges = new Dictionary<string, Gauge>(StringComparer.Ordinal);
        using (Backend.BeginScope(backend))
        {
            foreach (var mode in Enum.GetValues<GaugeMode>())
            {
                gauges[mode.ToConfigName()] = new Gauge("gm_" + mode.ToConfigName(), "Gauge in mode " + mode.ToConfigName(), ["k"], registry: registry, mode: mode);
            }
        }
        Console.WriteLine("ready " + backend.WriterId);
        string? line;
        while ((line = Console.ReadLine()) is not null)
        {
            var words = line.Split(' ');
            switch (words[0])
            {
                case "set":
                    gauges[words[1]].Labels(("k", words[2])).Set(double.Parse(words[3], CultureInfo.InvariantCulture));
                    break;
                case "inc":
                    gauges[words[1]].Labels(("k", words[2])).Inc(double.Parse(words[3], CultureInfo.InvariantCulture));
                    break;
                case "remove":
                    gauges[words[1]].RemoveLabelValues(words[2]);
                    break;
                case "flush":
                    backend.FlushAsync().GetAwaiter().GetResult();
                    break;
                case "scrape":
                    Console.Write(MetricsExposition.GenerateMetricsAsync(registry).GetAwaiter().GetResult());
                    Console.WriteLine("end");
                    continue;
                case "exit":
                    backend.Dispose();
                    return 0;
            }
            Console.WriteLine("ok");
        }
        return 0;
    }
}
