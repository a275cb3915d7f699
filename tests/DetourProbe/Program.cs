using System.Reflection;
using System.Runtime.CompilerServices;
using Prometheus;
using Pytheus.Compat.PrometheusNet.Patching;

namespace DetourProbe;

/// <summary>
/// Usage: DetourProbe cold|warm|undo|late|portable [scale]. Prints one line per check ("PASS …"/"FAIL …") and "DIAG …" lines;
/// exit code 0 when every check passed. Idle gaps of 150 ms and a 1 s sleep make tiered compilation actually
/// happen between phases (call counting starts only after 100 ms without new tier-0 JIT activity).
/// </summary>
public static class Program
{
    private static readonly MethodInfo CounterIncCore = typeof(Counter.Child).GetMethod("Inc", [typeof(double), typeof(Exemplar)])!;
    private static readonly MethodInfo GaugeSetCore = typeof(Gauge.Child).GetMethod("Set", [typeof(double)])!;
    private static readonly MethodInfo GaugeIncCore = typeof(Gauge.Child).GetMethod("Inc", [typeof(double)])!;
    private static readonly MethodInfo HistogramObserveCore = typeof(Histogram.Child).GetMethod(
        "ObserveInternal", BindingFlags.NonPublic | BindingFlags.Instance, [typeof(double), typeof(long), typeof(Exemplar)])!;

    private static int _failures;

    public static int Main(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "cold";
        var scale = args.Length > 1 ? int.Parse(args[1]) : 1_000_000;
        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        var counter = factory.CreateCounter("probe_total", "c", new CounterConfiguration { LabelNames = ["l"] });
        var plainCounter = factory.CreateCounter("probe_plain_total", "c");
        var gauge = factory.CreateGauge("probe_gauge", "g", new GaugeConfiguration { LabelNames = ["l"] });
        var plainGauge = factory.CreateGauge("probe_plain_gauge", "g");
        var passGauge = factory.CreateGauge("probe_pass_gauge", "g", new GaugeConfiguration { LabelNames = ["l"] }).WithLabels("a");
        var histogram = factory.CreateHistogram("probe_seconds", "h", new HistogramConfiguration { LabelNames = ["l"] });
        var plainHistogram = factory.CreateHistogram("probe_plain_seconds", "h");
        var child = counter.WithLabels("a");
        var gaugeChild = gauge.WithLabels("a");
        var histogramChild = histogram.WithLabels("a");

        if (mode == "warm")
        {
            Warm.Up(child, gaugeChild, histogramChild, HistogramObserveCore);
        }
        else if (mode == "late")
        {
            return Late(histogramChild);
        }
        else if (mode == "portable")
        {
            return PortableRun.Run(registry, child, gaugeChild, histogramChild, scale);
        }

        var detourer = MethodDetourer.Create();
        var counterDetour = detourer.Redirect(CounterIncCore, typeof(Replacements).GetMethod(nameof(Replacements.CounterChildInc))!);
        var gaugeDetour = detourer.Redirect(GaugeSetCore, typeof(Replacements).GetMethod(nameof(Replacements.GaugeChildSet))!);
        var histogramDetour = detourer.Redirect(HistogramObserveCore, typeof(Replacements).GetMethod(nameof(Replacements.HistogramChildObserveInternal))!);
        foreach (var d in new[] { counterDetour, gaugeDetour, histogramDetour })
        {
            Console.WriteLine($"DIAG {d.Target.DeclaringType!.Name}.{d.Target.Name} {d.Diagnostics}");
        }

        var before = Values(child, gaugeChild, histogramChild, plainCounter, plainGauge, plainHistogram);
        if (mode == "undo")
        {
            return Undo(counterDetour, child, passGauge);
        }

        var passDetour = detourer.Redirect(GaugeIncCore, typeof(Replacements).GetMethod(nameof(Replacements.GaugeChildIncPassThrough))!);
        Replacements.GaugeIncOriginal = passDetour.OriginalEntryPoint;

        for (var phase = 1; phase <= 2; phase++)
        {
            Count($"p{phase} direct loop (OSR)", () => Scenarios.DirectLoop(child, 5 * scale), () => Replacements.CounterInc);
            Count($"p{phase} small caller", () => Scenarios.SmallCaller(child, 3 * scale), () => Replacements.CounterInc);
            // Idle gaps >= 150 ms: call counting (and so tier-up) only starts after 100 ms without new tier-0 JIT work.
            for (var round = 0; round < (phase == 1 ? 4 : 2); round++)
            {
                Thread.Sleep(150);
                Count($"p{phase} round {round}", () => Scenarios.SmallCaller(child, scale / 3) + Scenarios.DirectLoop(child, scale / 3), () => Replacements.CounterInc);
            }

            Count($"p{phase} interface ICounter", () => Scenarios.Interface(child, gaugeChild, histogramChild, 2 * scale), () => Replacements.CounterInc);
            Count($"p{phase} interface IGauge", () => Scenarios.Interface(child, gaugeChild, histogramChild, scale), () => Replacements.GaugeSet);
            Count($"p{phase} interface IHistogram", () => Scenarios.Interface(child, gaugeChild, histogramChild, scale), () => Replacements.HistogramObserve);
            Count($"p{phase} delegates", () => Scenarios.Delegates(child, scale), () => Replacements.CounterInc);
            Count($"p{phase} reflection", () => Scenarios.Reflection(child, CounterIncCore, 2000), () => Replacements.CounterInc);
            Count($"p{phase} Counter.Inc via prometheus", () => Scenarios.ThroughPrometheus(plainCounter, plainGauge, plainHistogram, scale), () => Replacements.CounterInc);
            Count($"p{phase} Gauge.Set via prometheus", () => Scenarios.ThroughPrometheus(plainCounter, plainGauge, plainHistogram, scale), () => Replacements.GaugeSet);
            Count($"p{phase} Histogram.Observe via prometheus", () => Scenarios.ThroughPrometheus(plainCounter, plainGauge, plainHistogram, scale), () => Replacements.HistogramObserve);
            Count($"p{phase} 2 threads", () => Scenarios.Threads(child, 2, 2 * scale), () => Replacements.CounterInc);
            var passBefore = passGauge.Value;
            Count($"p{phase} pass-through to IL clone", () => Scenarios.GaugeInc(passGauge, scale), () => Replacements.GaugeIncPassThrough);
            Check($"p{phase} IL clone moved the gauge", passGauge.Value - passBefore, scale);

            // Let background tier-1 compilation of everything finish, then go again.
            if (phase == 1)
            {
                Thread.Sleep(1000);
            }
        }

        Check("prometheus values never moved", Values(child, gaugeChild, histogramChild, plainCounter, plainGauge, plainHistogram), before);
        Console.WriteLine($"DIAG tier-up Counter+Child.Inc substituted compilations {counterDetour.Diagnostics.SubstitutedCompilations}");
        Console.WriteLine($"DIAG tier-up Gauge+Child.Set substituted compilations {gaugeDetour.Diagnostics.SubstitutedCompilations}");
        Console.WriteLine(_failures == 0 ? "ALL PASSED" : $"{_failures} FAILED");
        return _failures == 0 ? 0 : 1;
    }

    /// <summary>
    /// The limitation: prometheus-net's own Histogram+Child.Observe(double) gets optimized (with ObserveInternal
    /// inlined) before the detour. Calls through it cannot all be redirected; the diagnostics must say so.
    /// </summary>
    private static int Late(Histogram.Child h)
    {
        for (var round = 0; round < 4; round++)
        {
            Warm.ViaPublicApi(h, 200);
            Thread.Sleep(250);
        }

        var detour = MethodDetourer.Create().Redirect(HistogramObserveCore, typeof(Replacements).GetMethod(nameof(Replacements.HistogramChildObserveInternal))!);
        Console.WriteLine($"DIAG {detour.Target.Name} {detour.Diagnostics}");
        var tooLate = detour.Diagnostics.PreexistingOptimizedBody || detour.Diagnostics.TieredCompilationDisabled;
        Check("late: reported as too late", tooLate, true);
        Console.WriteLine(_failures == 0 ? "ALL PASSED" : $"{_failures} FAILED");
        return _failures == 0 ? 0 : 1;
    }

    private static int Undo(IMethodDetour detour, Counter.Child child, Gauge.Child passGauge)
    {
        Count("undo: patched", () => Scenarios.SmallCaller(child, 200_000) + Scenarios.DirectLoop(child, 200_000), () => Replacements.CounterInc);
        Thread.Sleep(400);
        Count("undo: patched after tier-up", () => Scenarios.SmallCaller(child, 200_000) + Scenarios.DirectLoop(child, 200_000), () => Replacements.CounterInc);
        Thread.Sleep(1000);
        detour.Dispose();
        var before = child.Value;
        var calls = Replacements.CounterInc;
        var made = Scenarios.SmallCaller(child, 200_000) + Scenarios.DirectLoop(child, 200_000) + Scenarios.Delegates(child, 1000);
        Thread.Sleep(400);
        made += Scenarios.SmallCaller(child, 200_000) + Scenarios.DirectLoop(child, 200_000);
        Check("undo: replacement no longer called", Replacements.CounterInc - calls, 0);
        Check("undo: original counts again", (long)(child.Value - before), made);
        Check("undo: IsActive false", detour.IsActive ? 1 : 0, 0);
        Console.WriteLine(_failures == 0 ? "ALL PASSED" : $"{_failures} FAILED");
        return _failures == 0 ? 0 : 1;
    }

    private static void Count(string name, Func<long> run, Func<long> replacementCalls)
    {
        var start = replacementCalls();
        var made = run();
        Check(name, replacementCalls() - start, made);
    }

    private static void Check<T>(string name, T actual, T expected)
    {
        var ok = EqualityComparer<T>.Default.Equals(actual, expected);
        _failures += ok ? 0 : 1;
        Console.WriteLine($"{(ok ? "PASS" : "FAIL")} {name}: {actual} (expected {expected})");
    }

    private static string Values(Counter.Child c, Gauge.Child g, Histogram.Child h, Counter pc, Gauge pg, Histogram ph) =>
        $"{c.Value}/{g.Value}/{h.Count}/{pc.Value}/{pg.Value}/{ph.Count}";
}

/// <summary>
/// Calls the targets before the detours exist (compiled, call-counted, usually tiered up). Never called again: its
/// own optimized code may have inlined the targets, which is exactly the limitation no detour can fix.
/// </summary>
public static class Warm
{
    /// <summary>Calls each target directly (the histogram's through an open delegate), so only the targets get warm.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Up(Counter.Child c, Gauge.Child g, Histogram.Child h, MethodInfo observeInternal)
    {
        var observe = observeInternal.CreateDelegate<Action<Histogram.Child, double, long, Exemplar?>>();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 100; i++)
            {
                Call(c, g, h, observe);
            }

            Thread.Sleep(250);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ViaPublicApi(Histogram.Child h, int n)
    {
        for (var i = 0; i < n; i++)
        {
            h.Observe(1);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Call(Counter.Child c, Gauge.Child g, Histogram.Child h, Action<Histogram.Child, double, long, Exemplar?> observe)
    {
        c.Inc(1, null);
        g.Set(1);
        observe(h, 1, 1, null);
    }
}
