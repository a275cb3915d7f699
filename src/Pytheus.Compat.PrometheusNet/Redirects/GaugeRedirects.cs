using System.ComponentModel;
using Prometheus;
using Pytheus.Compat.PrometheusNet.Binding;

namespace Pytheus.Compat.PrometheusNet.Redirects;

/// <summary>Run in place of <c>Prometheus.Gauge.Child</c>'s methods while patched. Infrastructure: not for direct use.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GaugeRedirects
{
    /// <summary>Replaces <c>Gauge.Child.Inc(double)</c> (also reached by <c>Dec</c>, <c>TrackInProgress</c>).</summary>
    public static void Inc(Gauge.Child self, double increment)
    {
        PatchState.Binder.Gauge(self).Inc(increment);
        self.Publish();
    }

    /// <summary>Replaces <c>Gauge.Child.Set(double)</c> (also reached by timers and <c>SetToCurrentTimeUtc</c>).</summary>
    public static void Set(Gauge.Child self, double value)
    {
        PatchState.Binder.Gauge(self).Set(value);
        self.Publish();
    }

    /// <summary>Replaces <c>Gauge.Child.IncTo(double)</c>.</summary>
    public static void IncTo(Gauge.Child self, double targetValue)
    {
        var gauge = PatchState.Binder.Gauge(self);
        if (gauge.Get() < targetValue)
        {
            gauge.Set(targetValue);
        }
        self.Publish();
    }

    /// <summary>Replaces <c>Gauge.Child.DecTo(double)</c>.</summary>
    public static void DecTo(Gauge.Child self, double targetValue)
    {
        var gauge = PatchState.Binder.Gauge(self);
        if (gauge.Get() > targetValue)
        {
            gauge.Set(targetValue);
        }
        self.Publish();
    }

    /// <summary>Replaces <c>Gauge.Child.Value</c>.</summary>
    public static double GetValue(Gauge.Child self) => PatchState.Binder.Gauge(self).Get();
}
