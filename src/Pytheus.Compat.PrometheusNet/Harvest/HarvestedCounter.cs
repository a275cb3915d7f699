using Prometheus;
using Pytheus.Compat.PrometheusNet.Binding;
using PyCounter = Pytheus.Metrics.Counter;
using PyMetric = Pytheus.Metrics.Metric;

namespace Pytheus.Compat.PrometheusNet.Harvest;

/// <summary>A counter child: its stored value only grows, so the change since the last harvest is what to add.</summary>
internal sealed class HarvestedCounter(PrometheusNetInternals internals, Counter.Child child, string key) : HarvestedChild(child, key)
{
    private double _harvested;

    public override void Harvest(PyMetric series, long restoreShownBefore)
    {
        var value = StoredDouble.Read(ref internals.CounterValue(child, 0));
        Add((PyCounter)series, StoredDouble.Change(value, _harvested));
        _harvested = value;
    }

    public override void Show(PyMetric series, IReadOnlyList<double> shared) =>
        Add((PyCounter)series, StoredDouble.ReplaceWithShared(ref internals.CounterValue(child, 0), ref _harvested, shared[0]));

    public override void Release(PyMetric series) => Add((PyCounter)series, StoredDouble.Take(ref internals.CounterValue(child, 0), ref _harvested));

    private static void Add(PyCounter series, double change)
    {
        // The last bits of a double sum can round below the previous total: such noise is not an increment.
        if (change > 0)
        {
            series.Inc(change);
        }
    }
}
