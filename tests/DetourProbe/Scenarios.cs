using System.Reflection;
using System.Runtime.CompilerServices;
using Prometheus;

namespace DetourProbe;

/// <summary>
/// Call paths into the detoured methods. All are [NoInlining] and first called after the detours exist, so no
/// caller compiled before the patch can hide an inlined copy of a target (that limitation is tested separately).
/// </summary>
public static class Scenarios
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long DirectLoop(Counter.Child c, int n)
    {
        // One long-running loop: at tier 0 it has a patchpoint and is moved to OSR code mid-loop.
        for (var i = 0; i < n; i++)
        {
            c.Inc();
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void IncOnce(Counter.Child c) => c.Inc(1, null);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long SmallCaller(Counter.Child c, int n)
    {
        for (var i = 0; i < n; i++)
        {
            IncOnce(c);
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long Interface(ICounter c, IGauge g, IHistogram h, int n)
    {
        for (var i = 0; i < n; i++)
        {
            c.Inc();
            g.Set(i);
            h.Observe(i);
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long Delegates(Counter.Child c, int n)
    {
        Action<double, Exemplar?> direct = c.Inc;
        Action<double> viaOverload = c.Inc;
        for (var i = 0; i < n; i++)
        {
            direct(1, null);
            viaOverload(1);
        }

        return 2L * n;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long Reflection(Counter.Child c, MethodInfo target, int n)
    {
        var args = new object?[] { 1.0, null };
        for (var i = 0; i < n; i++)
        {
            target.Invoke(c, args);
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long ThroughPrometheus(Counter counter, Gauge gauge, Histogram histogram, int n)
    {
        // Collector-level calls: Counter.Inc -> Unlabelled.Inc(...), Gauge.Set -> Unlabelled.Set,
        // Histogram.Observe -> Unlabelled.Observe(v, 1) -> ObserveInternal.
        for (var i = 0; i < n; i++)
        {
            counter.Inc();
            gauge.Set(i);
            histogram.Observe(i);
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long Threads(Counter.Child c, int threads, int n)
    {
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() => DirectLoop(c, n))).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        return (long)threads * n;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long GaugeInc(Gauge.Child g, int n)
    {
        for (var i = 0; i < n; i++)
        {
            g.Inc();
        }

        return n;
    }
}
