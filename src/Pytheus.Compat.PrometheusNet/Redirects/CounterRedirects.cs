using System.ComponentModel;
using Prometheus;
using Pytheus.Compat.PrometheusNet.Binding;

namespace Pytheus.Compat.PrometheusNet.Redirects;

/// <summary>
/// Run in place of <c>Prometheus.Counter.Child</c>'s methods. Infrastructure: not for direct use. While patched, writes
/// go to the bound Pytheus series and publish the child as prometheus-net does (so a metric created with
/// <c>SuppressInitialValue</c> appears on its first update); while not patched, prometheus-net's own code runs.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class CounterRedirects
{
    internal static nint OriginalInc;
    internal static nint OriginalIncTo;
    internal static nint OriginalGetValue;

    /// <summary>
    /// Replaces <c>Counter.Child.Inc(double, Exemplar)</c>, where every increment ends. An exemplar (given, or the default
    /// provider's) is checked and recorded by prometheus-net as unpatched (so a reused or invalid one throws the same), and
    /// what it recorded becomes the series' exemplar in the backend.
    /// </summary>
    public static void Inc(Counter.Child self, double increment, Exemplar? exemplar)
    {
        if (PatchState.Binder is not { } binder)
        {
            ((delegate*<Counter.Child, double, Exemplar?, void>)Original.Of(ref OriginalInc))(self, increment, exemplar);
            return;
        }
        if (increment < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(increment), "Counter value cannot decrease.");
        }
        var recorded = binder.Internals.Exemplars.Counter(self, exemplar, increment);
        // prometheus-net accepts NaN and stores it; a NaN increment poisons a shared counter forever, so it is dropped.
        if (!double.IsNaN(increment))
        {
            if (recorded is null)
            {
                binder.Counter(self).Inc(increment);
            }
            else
            {
                binder.Counter(self).Inc(increment, recorded);
            }
        }
        self.Publish();
    }

    /// <summary>Replaces <c>Counter.Child.IncTo(double)</c>: raises the value to at least <paramref name="targetValue"/>.</summary>
    public static void IncTo(Counter.Child self, double targetValue)
    {
        if (PatchState.Binder is not { } binder)
        {
            ((delegate*<Counter.Child, double, void>)Original.Of(ref OriginalIncTo))(self, targetValue);
            return;
        }
        var counter = binder.Counter(self);
        var delta = targetValue - counter.Get();
        if (delta > 0)
        {
            counter.Inc(delta);
        }
        self.Publish();
    }

    /// <summary>Replaces <c>Counter.Child.Value</c>: the value as the backend sees it (all processes).</summary>
    public static double GetValue(Counter.Child self) => PatchState.Binder is { } binder
        ? binder.Counter(self).Get()
        : ((delegate*<Counter.Child, double>)Original.Of(ref OriginalGetValue))(self);
}
