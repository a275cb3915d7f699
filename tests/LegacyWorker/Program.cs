// Modes (the result is printed on stdout; exit code 0 = ran to the end):
//   late <n>   compile a prometheus-net caller before PatchClient(), then call it n times: with tiered compilation off
//              the caller is optimized with prometheus-net inlined, so those calls escape and must be folded.
//   load <n>   PatchClient() on the backend from PYTHEUS_BACKEND_CLASS/CONFIG, then n increments and observations on a
//              shared series and on one named after WORKER_ID; the backend flushes at process exit.
//   scrape     PatchClient() on that backend and print the default registry's exposition.
//   scenarios [patched]  run every LegacyLibrary.FidelityScenarios and print the transcripts: on plain prometheus-net
//              (no PatchClient()), or with "patched" under PatchClient() on the backend from PYTHEUS_BACKEND_CLASS/CONFIG.
//   refuse <n> PatchClient() with an engine that refuses after n redirects, then use prometheus-net, then patch for real.
using LegacyLibrary;
using Prometheus;
using Pytheus.Compat.PrometheusNet;

var mode = args[0];
var n = args.Length > 1 && int.TryParse(args[1], System.Globalization.CultureInfo.InvariantCulture, out var count) ? count : 0;
switch (mode)
{
    case "late":
    {
        var child = Metrics.CreateCounter("late_calls_total", "Calls.", "path").WithLabels("hot");
        HotLoops.IncrementDirect(child, 1);
        var handle = Compat.PatchClient();
        HotLoops.IncrementDirect(child, n);
        Console.WriteLine($"strategy={handle.Report.Strategy}");
        Console.WriteLine($"late-signs={handle.Report.LateSigns.Count}");
        Console.Write(await Export());
        Console.WriteLine($"escaped-amount={handle.Report.EscapedAmountFolded}");
        Console.WriteLine($"escaped-observations={handle.Report.EscapedObservationsFolded}");
        break;
    }
    case "load":
    {
        Compat.PatchClient();
        var worker = Environment.GetEnvironmentVariable("WORKER_ID") ?? "0";
        var (calls, latency) = SharedMetrics();
        var shared = calls.WithLabels("all");
        var own = calls.WithLabels("w" + worker);
        var threads = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            HotLoops.IncrementDirect(shared, n);
            HotLoops.IncrementDirect(own, n);
            HotLoops.Observe(latency, n);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Console.WriteLine("done");
        break;
    }
    case "scrape":
        // Like any copy of the service, the scraping process defines the same metrics (and updates none of them).
        Compat.PatchClient();
        SharedMetrics();
        Console.Write(await Export());
        break;
    case "scenarios":
        if (args.Length > 1 && args[1] == "patched")
        {
            Compat.PatchClient();
        }
        foreach (var (name, scenario) in FidelityScenarios.All)
        {
            Console.Write($"### {name}\n{await scenario(Metrics.NewCustomRegistry())}");
        }
        break;
    case "refuse":
    {
        var child = Metrics.CreateCounter("refused_total", "Refused.", "k").WithLabels("a");
        try
        {
            Compat.PatchClient(new PatchOptions { Detourer = new LegacyWorker.RefusingDetourer(n) });
        }
        catch (PlatformNotSupportedException e)
        {
            Console.WriteLine($"threw={e.GetType().Name}");
        }
        Console.WriteLine($"active={Compat.Active is not null}");
        child.Inc(2);
        Console.WriteLine($"value={child.Value}");
        Console.Write(await Export());
        var handle = Compat.PatchClient();
        child.Inc(1);
        Console.WriteLine($"redirected={handle.Report.RedirectedMethods} patched-value={child.Value}");
        break;
    }
    default:
        Console.Error.WriteLine($"unknown mode {mode}");
        return 2;
}
return 0;

static (Counter Calls, Histogram Latency) SharedMetrics() =>
    (Metrics.CreateCounter("mp_calls_total", "Calls.", "worker"),
     Metrics.CreateHistogram("mp_latency_seconds", "Latency.", new HistogramConfiguration { Buckets = [0.1, 1] }));

static async Task<string> Export()
{
    using var stream = new MemoryStream();
    await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(stream);
    return System.Text.Encoding.UTF8.GetString(stream.ToArray());
}
