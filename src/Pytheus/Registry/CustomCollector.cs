using Pytheus.Metrics;

namespace Pytheus.Registry;

/// <summary>
/// Exposes metrics computed at scrape time: override <see cref="CollectMetrics"/> to yield metrics, usually created with
/// <c>registry: CollectorRegistry.None</c>. Their values are read from their own stores, so custom collectors work on
/// every backend. As in pytheus, the registry's prefix is not applied to them.
/// </summary>
public abstract class CustomCollector : ICollector
{
    /// <summary>The collector's name; by default its type name in lower case.</summary>
    public virtual string Name => GetType().Name.ToLowerInvariant();

    /// <summary>Yields the metrics to expose; called once at registration and at every scrape.</summary>
    public abstract IEnumerable<Metric> CollectMetrics();

    /// <inheritdoc />
    public IEnumerable<MetricFamily> Collect() => CollectMetrics().Select(m => m.Family).Distinct();
}
