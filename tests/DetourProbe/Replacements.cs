using Prometheus;

namespace DetourProbe;

/// <summary>Replacements the probe detours prometheus-net's hot methods to: they only count.</summary>
public static unsafe class Replacements
{
    public static long CounterInc;
    public static long GaugeSet;
    public static long HistogramObserve;
    public static long GaugeIncPassThrough;

    /// <summary>Entry point of the IL clone of Gauge+Child.Inc(double), set once the detour exists.</summary>
    public static nint GaugeIncOriginal;

    public static void CounterChildInc(Counter.Child self, double increment, Exemplar? exemplar) =>
        Interlocked.Increment(ref CounterInc);

    public static void GaugeChildSet(Gauge.Child self, double value) => Interlocked.Increment(ref GaugeSet);

    public static void HistogramChildObserveInternal(Histogram.Child self, double value, long count, Exemplar? exemplar) =>
        Interlocked.Increment(ref HistogramObserve);

    /// <summary>Counts, then runs the original through its IL clone: the gauge must still move.</summary>
    public static void GaugeChildIncPassThrough(Gauge.Child self, double increment)
    {
        Interlocked.Increment(ref GaugeIncPassThrough);
        ((delegate*<Gauge.Child, double, void>)GaugeIncOriginal)(self, increment);
    }
}
