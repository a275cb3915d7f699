using System.ComponentModel;
using Prometheus;
using Pytheus.Compat.PrometheusNet.Binding;

namespace Pytheus.Compat.PrometheusNet.Redirects;

/// <summary>
/// Run in place of <c>Prometheus.Summary.Child</c>'s methods. Infrastructure: not for direct use. While not patched,
/// prometheus-net's own code runs.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class SummaryRedirects
{
    internal static nint OriginalObserve;

    /// <summary>
    /// Replaces the internal <c>Summary.Child.Observe(double, double)</c>, where every observation ends. The Pytheus
    /// summary keeps sum, count and — for a summary with objectives — a mergeable quantile sketch, so the quantiles
    /// exposed cover every process.
    /// </summary>
    public static void Observe(Summary.Child self, double val, double nowUnixtimeSeconds)
    {
        if (PatchState.Binder is not { } binder)
        {
            ((delegate*<Summary.Child, double, double, void>)Original.Of(ref OriginalObserve))(self, val, nowUnixtimeSeconds);
            return;
        }
        if (!double.IsNaN(val))
        {
            binder.Summary(self).Observe(val);
            self.Publish();
        }
    }
}
