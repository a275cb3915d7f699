using System.Globalization;
using Pytheus.Backends;
using Pytheus.Backends.Redis;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;
using Pytheus.Tests.Shared;

/// <summary>
/// A writer process of the native histogram tests: histogram <c>mp_native_seconds{route="shared"}</c> with native
/// buckets of the schema and bucket limit given, observed by several threads at once (each observes
/// <see cref="NativeWorkload"/>'s values 0..n-1 of this worker).
/// Arguments: <c>native &lt;redis port&gt; &lt;key prefix&gt; &lt;worker&gt; &lt;schema&gt; &lt;max buckets&gt; &lt;observations&gt;
/// &lt;threads&gt; [metrics port]</c>. Without a metrics port it flushes, prints <c>done</c> and exits; with one it
/// serves the registry there, prints <c>ready</c> and serves until a line arrives on stdin.
/// </summary>
internal static class NativeWorker
{
    public static int Run(string[] args)
    {
        int Arg(int i) => int.Parse(args[i], CultureInfo.InvariantCulture);
        var worker = Arg(2);
        var observations = Arg(5);
        var backend = new RedisBackend(new RedisBackendOptions
        {
            ConnectionString = $"127.0.0.1:{args[0]},connectTimeout=1000,syncTimeout=2000,asyncTimeout=2000",
            KeyPrefix = args[1],
            FlushInterval = TimeSpan.FromMilliseconds(50),
        });
        var registry = new CollectorRegistry();
        Histogram histogram;
        using (Backend.BeginScope(backend))
        {
            histogram = new Histogram("mp_native_seconds", "Native histogram shared by processes.", ["route"], registry: registry,
                nativeHistogram: new NativeHistogramOptions { Schema = Arg(3), MaxBucketCount = Arg(4) });
        }
        var series = histogram.Labels(("route", "shared"));
        var threads = Enumerable.Range(0, Arg(6)).Select(_ => new Thread(() =>
        {
            for (var j = 0; j < observations; j++)
            {
                series.Observe(NativeWorkload.Value(worker, j));
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        backend.FlushAsync().GetAwaiter().GetResult();
        if (args.Length > 7)
        {
            using var server = new MetricsServer(new MetricsServerOptions { Port = Arg(7), Registry = registry }).Start();
            Console.WriteLine("ready");
            Console.ReadLine();
        }
        backend.Dispose();
        Console.WriteLine("done");
        return 0;
    }
}
