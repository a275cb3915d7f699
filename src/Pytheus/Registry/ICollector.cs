using Pytheus.Metrics;

namespace Pytheus.Registry;

/// <summary>Something a <see cref="CollectorRegistry"/> holds: a metric family, or a custom collector.</summary>
public interface ICollector
{
    /// <summary>The name the registry knows it by.</summary>
    string Name { get; }

    /// <summary>The metric families to expose, read at every scrape.</summary>
    IEnumerable<MetricFamily> Collect();
}
