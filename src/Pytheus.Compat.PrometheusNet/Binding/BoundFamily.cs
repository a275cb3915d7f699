using Prometheus;
using PyMetric = Pytheus.Metrics.Metric;

namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>
/// One Pytheus metric standing for some of a prometheus-net collector's children — those with instance labels, or its
/// unlabelled child — with the prometheus-net child that owns each of its series. prometheus-net holds one child per
/// label set at a time, so a second owner for the same labels means the first was removed (<c>RemoveLabelled</c>,
/// <c>Dispose</c>, managed-lifetime expiry): its series is removed then, and the new child starts a fresh one, exactly
/// as prometheus-net starts a new child at 0.
/// </summary>
internal sealed class BoundFamily(Func<Backends.IBackend?, PyMetric> create)
{
    private readonly Dictionary<string, ChildBase> _owners = new(StringComparer.Ordinal);

    /// <summary>The Pytheus metric (its unlabelled view). Replaced when the series of a metric without labels is removed.</summary>
    public PyMetric Metric { get; private set; } = create(null);

    /// <summary>
    /// The series for <paramref name="child"/>, now its owner. A previous owner of the same labels is handed to
    /// <paramref name="retire"/> and its series removed first. Callers hold the binder's lock.
    /// </summary>
    public PyMetric Attach(ChildBase child, string[] values, Action<ChildBase> retire)
    {
        var key = Key(values);
        if (_owners.TryGetValue(key, out var previous) && !ReferenceEquals(previous, child))
        {
            retire(previous);
            Remove(key, values);
        }
        _owners[key] = child;
        return SeriesOf(Metric, values);
    }

    /// <summary>Removes the series of a child prometheus-net no longer holds, unless another child already owns its labels.</summary>
    public void Release(ChildBase child, string[] values)
    {
        var key = Key(values);
        if (_owners.TryGetValue(key, out var owner) && ReferenceEquals(owner, child))
        {
            Remove(key, values);
        }
    }

    /// <summary>A series of the same definition that no scrape sees, for a child prometheus-net removed before it was bound.</summary>
    public PyMetric Detached(string[] values, Backends.IBackend backend) => SeriesOf(create(backend), values);

    public static string Key(IReadOnlyList<string> values) => string.Join('\u001f', values);

    private void Remove(string key, string[] values)
    {
        _owners.Remove(key);
        // Also without labels: a shared backend removes the stored series for every process.
        _ = Metric switch
        {
            Metrics.Counter c => c.RemoveLabelValues(values),
            Metrics.Gauge g => g.RemoveLabelValues(values),
            Metrics.Histogram h => h.RemoveLabelValues(values),
            Metrics.Summary s => s.RemoveLabelValues(values),
            _ => false,
        };
        if (values.Length == 0)
        {
            // A metric without labels is its own only series: a fresh one needs a fresh metric.
            Metric = create(null);
        }
    }

    private static PyMetric SeriesOf(PyMetric metric, string[] values) => values.Length == 0 ? metric : metric switch
    {
        Metrics.Counter c => c.WithLabelValues(values),
        Metrics.Gauge g => g.WithLabelValues(values),
        Metrics.Histogram h => h.WithLabelValues(values),
        Metrics.Summary s => s.WithLabelValues(values),
        _ => throw new NotSupportedException($"Unknown Pytheus metric type {metric.GetType()}."),
    };
}
