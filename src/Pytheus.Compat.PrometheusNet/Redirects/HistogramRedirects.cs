using System.ComponentModel;
using Prometheus;
using Pytheus.Compat.PrometheusNet.Binding;

namespace Pytheus.Compat.PrometheusNet.Redirects;

/// <summary>Run in place of <c>Prometheus.Histogram.Child</c>'s methods while patched. Infrastructure: not for direct use.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class HistogramRedirects
{
    /// <summary>Replaces the private <c>Histogram.Child.ObserveInternal(double, long, Exemplar)</c>, where every observation ends.</summary>
    public static void ObserveInternal(Histogram.Child self, double val, long count, Exemplar? exemplar)
    {
        // prometheus-net ignores NaN observations; so do we.
        if (!double.IsNaN(val))
        {
            PatchState.Binder.Histogram(self).Observe(val, count);
            self.Publish();
        }
    }

    /// <summary>Replaces <c>Histogram.Child.Sum</c>.</summary>
    public static double GetSum(Histogram.Child self) => PatchState.Binder.Histogram(self).GetSum();

    /// <summary>Replaces <c>Histogram.Child.Count</c>.</summary>
    public static long GetCount(Histogram.Child self) => (long)PatchState.Binder.Histogram(self).GetCount();
}
