using System.ComponentModel;
using Prometheus;
using Pytheus.Compat.PrometheusNet.Binding;

namespace Pytheus.Compat.PrometheusNet.Redirects;

/// <summary>Run in place of <c>Prometheus.Summary.Child</c>'s methods while patched. Infrastructure: not for direct use.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SummaryRedirects
{
    /// <summary>
    /// Replaces the internal <c>Summary.Child.Observe(double, double)</c>, where every observation ends. Pytheus summaries
    /// keep sum and count only: quantile objectives are not computed (they cannot be summed across processes).
    /// </summary>
    public static void Observe(Summary.Child self, double val, double nowUnixtimeSeconds)
    {
        if (!double.IsNaN(val))
        {
            PatchState.Binder.Summary(self).Observe(val);
            self.Publish();
        }
    }
}
