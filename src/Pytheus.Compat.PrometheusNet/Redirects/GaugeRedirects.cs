using System.ComponentModel;
using Prometheus;
using Pytheus.Compat.PrometheusNet.Binding;

namespace Pytheus.Compat.PrometheusNet.Redirects;

/// <summary>
/// Run in place of <c>Prometheus.Gauge.Child</c>'s methods. Infrastructure: not for direct use. While not patched,
/// prometheus-net's own code runs.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class GaugeRedirects
{
    internal static nint OriginalInc;
    internal static nint OriginalSet;
    internal static nint OriginalIncTo;
    internal static nint OriginalDecTo;
    internal static nint OriginalGetValue;

    /// <summary>Replaces <c>Gauge.Child.Inc(double)</c> (also reached by <c>Dec</c>, <c>TrackInProgress</c>).</summary>
    public static void Inc(Gauge.Child self, double increment)
    {
        if (PatchState.Binder is not { } binder)
        {
            ((delegate*<Gauge.Child, double, void>)Original.Of(ref OriginalInc))(self, increment);
            return;
        }
        binder.Gauge(self).Inc(increment);
        self.Publish();
    }

    /// <summary>Replaces <c>Gauge.Child.Set(double)</c> (also reached by timers and <c>SetToCurrentTimeUtc</c>).</summary>
    public static void Set(Gauge.Child self, double value)
    {
        if (PatchState.Binder is not { } binder)
        {
            ((delegate*<Gauge.Child, double, void>)Original.Of(ref OriginalSet))(self, value);
            return;
        }
        binder.Gauge(self).Set(value);
        self.Publish();
    }

    /// <summary>Replaces <c>Gauge.Child.IncTo(double)</c>.</summary>
    public static void IncTo(Gauge.Child self, double targetValue)
    {
        if (PatchState.Binder is not { } binder)
        {
            ((delegate*<Gauge.Child, double, void>)Original.Of(ref OriginalIncTo))(self, targetValue);
            return;
        }
        var gauge = binder.Gauge(self);
        if (gauge.Get() < targetValue)
        {
            gauge.Set(targetValue);
        }
        self.Publish();
    }

    /// <summary>Replaces <c>Gauge.Child.DecTo(double)</c>.</summary>
    public static void DecTo(Gauge.Child self, double targetValue)
    {
        if (PatchState.Binder is not { } binder)
        {
            ((delegate*<Gauge.Child, double, void>)Original.Of(ref OriginalDecTo))(self, targetValue);
            return;
        }
        var gauge = binder.Gauge(self);
        if (gauge.Get() > targetValue)
        {
            gauge.Set(targetValue);
        }
        self.Publish();
    }

    /// <summary>Replaces <c>Gauge.Child.Value</c>.</summary>
    public static double GetValue(Gauge.Child self) => PatchState.Binder is { } binder
        ? binder.Gauge(self).Get()
        : ((delegate*<Gauge.Child, double>)Original.Of(ref OriginalGetValue))(self);
}
