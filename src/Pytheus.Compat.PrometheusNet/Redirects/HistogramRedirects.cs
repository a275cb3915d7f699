using System.ComponentModel;
using Prometheus;
using Pytheus.Compat.PrometheusNet.Binding;

namespace Pytheus.Compat.PrometheusNet.Redirects;

/// <summary>
/// Run in place of <c>Prometheus.Histogram.Child</c>'s methods. Infrastructure: not for direct use. While not patched,
/// prometheus-net's own code runs.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class HistogramRedirects
{
    internal static nint OriginalObserveInternal;
    internal static nint OriginalGetSum;
    internal static nint OriginalGetCount;

    /// <summary>
    /// Replaces the private <c>Histogram.Child.ObserveInternal(double, long, Exemplar)</c>, where every observation ends.
    /// An exemplar (given, or the default provider's) is checked and recorded by prometheus-net as unpatched, and what it
    /// recorded becomes the bucket's exemplar in the backend.
    /// </summary>
    public static void ObserveInternal(Histogram.Child self, double val, long count, Exemplar? exemplar)
    {
        if (PatchState.Binder is not { } binder)
        {
            ((delegate*<Histogram.Child, double, long, Exemplar?, void>)Original.Of(ref OriginalObserveInternal))(self, val, count, exemplar);
            return;
        }
        // prometheus-net ignores NaN observations; so do we.
        if (!double.IsNaN(val))
        {
            Pytheus.Metrics.Exemplar? recorded;
            try
            {
                recorded = binder.Internals.Exemplars.Histogram(self, exemplar, val);
            }
            catch
            {
                // prometheus-net counts the bucket before its exemplar check throws, and stops there (no sum, no publish).
                CountBucketOnly(binder.Histogram(self), val, count);
                throw;
            }
            if (recorded is null)
            {
                binder.Histogram(self).Observe(val, count);
            }
            else
            {
                binder.Histogram(self).Observe(val, count, recorded);
            }
            self.Publish();
        }
    }

    private static void CountBucketOnly(Pytheus.Metrics.Histogram series, double val, long count)
    {
        var bounds = series.Family.UpperBounds;
        var counts = new long[bounds.Count];
        var bucket = 0;
        while (bucket < bounds.Count - 1 && val > bounds[bucket])
        {
            bucket++;
        }
        counts[bucket] = count;
        series.AddBucketCounts(counts, 0);
    }

    /// <summary>Replaces <c>Histogram.Child.Sum</c>.</summary>
    public static double GetSum(Histogram.Child self) => PatchState.Binder is { } binder
        ? binder.Histogram(self).GetSum()
        : ((delegate*<Histogram.Child, double>)Original.Of(ref OriginalGetSum))(self);

    /// <summary>Replaces <c>Histogram.Child.Count</c>.</summary>
    public static long GetCount(Histogram.Child self) => PatchState.Binder is { } binder
        ? (long)binder.Histogram(self).GetCount()
        : ((delegate*<Histogram.Child, long>)Original.Of(ref OriginalGetCount))(self);
}
