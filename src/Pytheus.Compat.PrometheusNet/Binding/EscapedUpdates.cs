using Prometheus;
using PyCounter = Pytheus.Metrics.Counter;
using PyGauge = Pytheus.Metrics.Gauge;
using PyHistogram = Pytheus.Metrics.Histogram;
using PyMetric = Pytheus.Metrics.Metric;
using PySummary = Pytheus.Metrics.Summary;

namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>
/// Redirected updates never touch prometheus-net's own storage, so anything found there was written by code that
/// bypassed the redirection: updates made before <c>PatchClient()</c>, or by a caller that was optimized with
/// prometheus-net inlined before the patch. Such values are taken atomically (so none is taken twice) and added to the
/// bound Pytheus series — nothing is silently lost, and each fold is reported.
/// </summary>
internal static class EscapedUpdates
{
    /// <summary>
    /// Moves a child's escaped updates into its Pytheus series and returns what was moved: the amount added to a
    /// counter or by which a gauge changed (absolute), or the number of histogram/summary observations.
    /// </summary>
    public static (double Amount, long Observations) Fold(PrometheusNetInternals internals, ChildBase child, PyMetric series)
    {
        switch (child)
        {
            case Counter.Child:
            {
                var delta = TakeDouble(ref internals.CounterValue(child, 0));
                if (delta > 0 && double.IsFinite(delta))
                {
                    ((PyCounter)series).Inc(delta);
                }
                return (delta, 0);
            }
            case Gauge.Child:
            {
                // An escaped Set cannot be told from an escaped Inc here: both are applied as a change of the value.
                var delta = TakeDouble(ref internals.GaugeValue(child, 0));
                if (delta != 0)
                {
                    ((PyGauge)series).Inc(delta);
                }
                return (Math.Abs(delta), 0);
            }
            case Histogram.Child:
            {
                var counts = new long[internals.HistogramBucketCount(child)];
                long total = 0;
                for (var i = 0; i < counts.Length; i++)
                {
                    counts[i] = Interlocked.Exchange(ref internals.HistogramBucket(child, i), 0);
                    total += counts[i];
                }
                var sum = TakeDouble(ref internals.HistogramSum(child, 0));
                if (total > 0 || sum != 0)
                {
                    ((PyHistogram)series).AddBucketCounts(counts, sum);
                }
                return (0, total);
            }
            case Summary.Child:
            {
                long count;
                double sum;
                lock (internals.SummaryLock.GetValue(child)!)
                {
                    count = Interlocked.Exchange(ref internals.SummaryCount(child, 0), 0);
                    sum = TakeDouble(ref internals.SummarySumBits(child, 0));
                }
                if (count > 0)
                {
                    ((PySummary)series).AddObservations(count, sum);
                }
                return (0, count);
            }
            default:
                return (0, 0);
        }
    }

    private static double TakeDouble(ref long bits) => BitConverter.Int64BitsToDouble(Interlocked.Exchange(ref bits, 0));
}
