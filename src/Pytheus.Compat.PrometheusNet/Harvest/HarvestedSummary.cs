using Prometheus;
using Pytheus.Compat.PrometheusNet.Binding;
using PyMetric = Pytheus.Metrics.Metric;
using PySummary = Pytheus.Metrics.Summary;

namespace Pytheus.Compat.PrometheusNet.Harvest;

/// <summary>
/// A summary child: prometheus-net updates its count and sum together under the child's lock, so they are read and
/// replaced under that lock too (a pair, never half an observation). Quantiles stay prometheus-net's own, per process.
/// </summary>
internal sealed class HarvestedSummary(PrometheusNetInternals internals, Summary.Child child, string key) : HarvestedChild(child, key)
{
    private long _harvestedCount;
    private double _harvestedSum;

    public override void Harvest(PyMetric series, long restoreShownBefore)
    {
        long count;
        double sum;
        lock (internals.SummaryLock.GetValue(child)!)
        {
            count = internals.SummaryCount(child, 0);
            sum = BitConverter.Int64BitsToDouble(internals.SummarySumBits(child, 0));
        }
        Add((PySummary)series, count - _harvestedCount, StoredDouble.Change(sum, _harvestedSum));
        (_harvestedCount, _harvestedSum) = (count, sum);
    }

    public override void Show(PyMetric series, IReadOnlyList<double> shared)
    {
        long countChange;
        double sumChange;
        lock (internals.SummaryLock.GetValue(child)!)
        {
            ref var count = ref internals.SummaryCount(child, 0);
            ref var sumBits = ref internals.SummarySumBits(child, 0);
            countChange = count - _harvestedCount;
            sumChange = StoredDouble.Change(BitConverter.Int64BitsToDouble(sumBits), _harvestedSum);
            // Pytheus's summary layout is [sum, count].
            count = (long)shared[1] + countChange;
            sumBits = BitConverter.DoubleToInt64Bits(shared[0] + sumChange);
            (_harvestedCount, _harvestedSum) = (count, BitConverter.Int64BitsToDouble(sumBits));
        }
        Add((PySummary)series, countChange, sumChange);
    }

    public override void Release(PyMetric series)
    {
        long count;
        double sum;
        lock (internals.SummaryLock.GetValue(child)!)
        {
            count = internals.SummaryCount(child, 0);
            sum = BitConverter.Int64BitsToDouble(internals.SummarySumBits(child, 0));
            internals.SummaryCount(child, 0) = 0;
            internals.SummarySumBits(child, 0) = 0;
        }
        Add((PySummary)series, count - _harvestedCount, StoredDouble.Change(sum, _harvestedSum));
        (_harvestedCount, _harvestedSum) = (0, 0);
    }

    private static void Add(PySummary series, long count, double sum)
    {
        if (count > 0 || sum != 0)
        {
            series.AddObservations(Math.Max(count, 0), sum);
        }
    }
}
