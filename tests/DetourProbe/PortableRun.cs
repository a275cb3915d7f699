using Prometheus;
using Pytheus.Backends.InProcess;
using Pytheus.Compat.PrometheusNet;
using PyRegistry = Pytheus.Registry.CollectorRegistry;

namespace DetourProbe;

/// <summary>
/// <c>DetourProbe portable [scale]</c>: the portable PatchClient strategy on this runtime. Hot callers compiled before the
/// patch (optimized with prometheus-net inlined under <c>DOTNET_TieredCompilation=0</c>), then 2 threads, interface calls
/// calls while timed harvests run every 20 ms; the export (prometheus-net's own) must show exact totals, undo must leave
/// prometheus-net's storage at 0, and a second patch on the same backend must export the backend's totals.
/// </summary>
internal static class PortableRun
{
    private static int _failures;

    public static int Run(CollectorRegistry registry, Counter.Child child, Gauge.Child gauge, Histogram.Child histogram, int scale)
    {
        var made = Scenarios.DirectLoop(child, scale);
        var options = new PatchOptions
        {
            Strategy = PatchStrategy.Portable, Backend = new InProcessBackend(), Registry = new PyRegistry(), HarvestInterval = TimeSpan.FromMilliseconds(20),
        };
        var handle = Compat.PatchClient(options);
        Compat.Attach(registry);
        Console.WriteLine($"DIAG strategy {handle.Report.Strategy}: {handle.Report.StrategyReason}");
        Check("strategy", handle.Report.Strategy, PatchStrategy.Portable);

        made += Scenarios.Threads(child, 2, scale);
        made += Scenarios.SmallCaller(child, scale);
        made += Scenarios.Interface(child, gauge, histogram, scale);
        var text = Export(registry);
        Check("exported counter", Sample(text, "probe_total{l=\"a\"}"), Format(made));
        Check("exported histogram count", Sample(text, "probe_seconds_count{l=\"a\"}"), Format(scale));
        Check("exported gauge", Sample(text, "probe_gauge{l=\"a\"}"), Format(scale - 1));

        child.Inc(5);
        Compat.UnpatchClient();
        Check("storage after undo", child.Value, 0.0);
        Check("gauge storage after undo", gauge.Value, 0.0);

        // Patched again on the same backend: prometheus-net's storage starts at 0, so what is exported comes from the backend.
        Compat.PatchClient(options);
        text = Export(registry);
        Check("backend counter", Sample(text, "probe_total{l=\"a\"}"), Format(made + 5));
        Check("backend histogram count", Sample(text, "probe_seconds_count{l=\"a\"}"), Format(scale));
        Check("backend gauge", Sample(text, "probe_gauge{l=\"a\"}"), Format(scale - 1));
        Compat.UnpatchClient();

        Console.WriteLine(_failures == 0 ? "ALL PASSED" : $"{_failures} FAILED");
        return _failures == 0 ? 0 : 1;
    }

    private static string Export(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Format(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Sample(string text, string series) =>
        text.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal))?[(series.Length + 1)..] ?? "(missing)";

    private static void Check<T>(string name, T actual, T expected)
    {
        var ok = EqualityComparer<T>.Default.Equals(actual, expected);
        _failures += ok ? 0 : 1;
        Console.WriteLine($"{(ok ? "PASS" : "FAIL")} {name}: {actual} (expected {expected})");
    }
}
