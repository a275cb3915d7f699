using System.ComponentModel;
using Prometheus;
using Pytheus.Compat.PrometheusNet.Binding;

namespace Pytheus.Compat.PrometheusNet.Redirects;

/// <summary>
/// Run in place of <c>Prometheus.Counter.Child</c>'s methods while patched. Infrastructure: not for direct use. Writes publish
/// the child as prometheus-net does, so a metric created with <c>SuppressInitialValue</c> appears on its first update.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CounterRedirects
{
    /// <summary>Replaces <c>Counter.Child.Inc(double, Exemplar)</c>, where every increment ends. Exemplars are dropped.</summary>
    public static void Inc(Counter.Child self, double increment, Exemplar? exemplar)
    {
        if (increment < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(increment), "Counter value cannot decrease.");
        }
        // prometheus-net accepts NaN and stores it; a NaN increment poisons a shared counter forever, so it is dropped.
        if (!double.IsNaN(increment))
        {
            PatchState.Binder.Counter(self).Inc(increment);
        }
        self.Publish();
    }

    /// <summary>Replaces <c>Counter.Child.IncTo(double)</c>: raises the value to at least <paramref name="targetValue"/>.</summary>
    public static void IncTo(Counter.Child self, double targetValue)
    {
        var counter = PatchState.Binder.Counter(self);
        var delta = targetValue - counter.Get();
        if (delta > 0)
        {
            counter.Inc(delta);
        }
        self.Publish();
    }

    /// <summary>Replaces <c>Counter.Child.Value</c>: the value as the backend sees it (all processes).</summary>
    public static double GetValue(Counter.Child self) => PatchState.Binder.Counter(self).Get();
}
