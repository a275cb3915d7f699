using Prometheus;

namespace LegacyLibrary;

/// <summary>
/// Loops long enough for the JIT to optimize them (tier-up, OSR) while they call prometheus-net: after
/// PatchClient() every call must still be redirected.
/// </summary>
public static class HotLoops
{
    public static void IncrementDirect(Counter.Child child, int times)
    {
        for (var i = 0; i < times; i++)
        {
            child.Inc();
        }
    }

    public static void IncrementCollector(Counter counter, int times)
    {
        for (var i = 0; i < times; i++)
        {
            counter.Inc();
        }
    }

    public static void IncrementInterface(ICounter counter, int times)
    {
        for (var i = 0; i < times; i++)
        {
            counter.Inc();
        }
    }

    public static void IncrementDelegate(Action inc, int times)
    {
        for (var i = 0; i < times; i++)
        {
            inc();
        }
    }

    public static void Observe(Histogram histogram, int times)
    {
        for (var i = 0; i < times; i++)
        {
            histogram.Observe(i % 10);
        }
    }

    public static void SetGauge(IGauge gauge, int times)
    {
        for (var i = 0; i < times; i++)
        {
            gauge.Inc();
        }
    }
}
