using System.Reflection;
using Prometheus;

namespace Pytheus.Compat.PrometheusNet.Tests;

/// <summary>Reads prometheus-net's own storage behind its API, to prove redirected updates never landed there.</summary>
internal static class PrometheusNetStorage
{
    private const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;

    public static double CounterValue(Counter.Child child) => ReadThreadSafeDouble(child, typeof(Counter.Child), "_value");

    public static double GaugeValue(Gauge.Child child) => ReadThreadSafeDouble(child, typeof(Gauge.Child), "_value");

    public static double HistogramSum(Histogram.Child child) => ReadThreadSafeDouble(child, typeof(Histogram.Child), "_sum");

    public static void WriteCounterValue(Counter.Child child, double value)
    {
        var field = typeof(Counter.Child).GetField("_value", Private)!;
        var boxed = field.GetValue(child)!;
        boxed.GetType().GetField("_value", Private)!.SetValue(boxed, BitConverter.DoubleToInt64Bits(value));
        field.SetValue(child, boxed);
    }

    private static double ReadThreadSafeDouble(object owner, Type type, string name)
    {
        var boxed = type.GetField(name, Private)!.GetValue(owner)!;
        return BitConverter.Int64BitsToDouble((long)boxed.GetType().GetField("_value", Private)!.GetValue(boxed)!);
    }
}
