using System.Reflection;
using Prometheus;

namespace Pytheus.Compat.PrometheusNet.Redirects;

/// <summary>One prometheus-net method, its replacement, and where the replacement finds the original's IL copy.</summary>
internal sealed record Redirect(MethodBase Target, MethodInfo Replacement, Action<nint> SetOriginal);

/// <summary>
/// The prometheus-net methods PatchClient() redirects, each with its replacement. Only the innermost methods where
/// every write ends are redirected (convenience overloads such as <c>Inc()</c>, <c>Dec</c>, <c>Observe(double)</c>,
/// timers, <c>TrackInProgress</c> and <c>CountExceptions</c> all reach one of them), plus the reads and the collection.
/// </summary>
internal static class RedirectTable
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    public static IReadOnlyList<Redirect> Build(MethodInfo collectAndSerialize) =>
    [
        new(Method(typeof(Counter.Child), "Inc", typeof(double), typeof(Exemplar)), Replacement(typeof(CounterRedirects), nameof(CounterRedirects.Inc)), p => CounterRedirects.OriginalInc = p),
        new(Method(typeof(Counter.Child), "IncTo", typeof(double)), Replacement(typeof(CounterRedirects), nameof(CounterRedirects.IncTo)), p => CounterRedirects.OriginalIncTo = p),
        new(Getter(typeof(Counter.Child), "Value"), Replacement(typeof(CounterRedirects), nameof(CounterRedirects.GetValue)), p => CounterRedirects.OriginalGetValue = p),
        new(Method(typeof(Gauge.Child), "Inc", typeof(double)), Replacement(typeof(GaugeRedirects), nameof(GaugeRedirects.Inc)), p => GaugeRedirects.OriginalInc = p),
        new(Method(typeof(Gauge.Child), "Set", typeof(double)), Replacement(typeof(GaugeRedirects), nameof(GaugeRedirects.Set)), p => GaugeRedirects.OriginalSet = p),
        new(Method(typeof(Gauge.Child), "IncTo", typeof(double)), Replacement(typeof(GaugeRedirects), nameof(GaugeRedirects.IncTo)), p => GaugeRedirects.OriginalIncTo = p),
        new(Method(typeof(Gauge.Child), "DecTo", typeof(double)), Replacement(typeof(GaugeRedirects), nameof(GaugeRedirects.DecTo)), p => GaugeRedirects.OriginalDecTo = p),
        new(Getter(typeof(Gauge.Child), "Value"), Replacement(typeof(GaugeRedirects), nameof(GaugeRedirects.GetValue)), p => GaugeRedirects.OriginalGetValue = p),
        new(Method(typeof(Histogram.Child), "ObserveInternal", typeof(double), typeof(long), typeof(Exemplar)), Replacement(typeof(HistogramRedirects), nameof(HistogramRedirects.ObserveInternal)), p => HistogramRedirects.OriginalObserveInternal = p),
        new(Getter(typeof(Histogram.Child), "Sum"), Replacement(typeof(HistogramRedirects), nameof(HistogramRedirects.GetSum)), p => HistogramRedirects.OriginalGetSum = p),
        new(Getter(typeof(Histogram.Child), "Count"), Replacement(typeof(HistogramRedirects), nameof(HistogramRedirects.GetCount)), p => HistogramRedirects.OriginalGetCount = p),
        new(Method(typeof(Summary.Child), "Observe", typeof(double), typeof(double)), Replacement(typeof(SummaryRedirects), nameof(SummaryRedirects.Observe)), p => SummaryRedirects.OriginalObserve = p),
        new(collectAndSerialize, Replacement(typeof(RegistryRedirects), nameof(RegistryRedirects.CollectAndSerializeAsync)), p => RegistryRedirects.OriginalCollectAndSerializeAsync = p),
    ];

    private static MethodInfo Method(Type type, string name, params Type[] parameters) =>
        type.GetMethod(name, Instance, parameters)
        ?? throw new NotSupportedException($"prometheus-net lacks {type.Name}.{name}({string.Join(", ", parameters.Select(p => p.Name))}); this Pytheus build supports prometheus-net 8.2.1.");

    private static MethodInfo Getter(Type type, string property) =>
        type.GetProperty(property, Instance)?.GetMethod
        ?? throw new NotSupportedException($"prometheus-net lacks {type.Name}.{property}; this Pytheus build supports prometheus-net 8.2.1.");

    private static MethodInfo Replacement(Type type, string name) => type.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!;
}
