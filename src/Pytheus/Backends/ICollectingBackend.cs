using Pytheus.Metrics;

namespace Pytheus.Backends;

/// <summary>
/// A backend that can read every series of many metric families at once — including series written by other
/// processes — so that a scrape costs one round trip whatever the number of series.
/// </summary>
public interface ICollectingBackend : IBackend
{
    /// <summary>
    /// Reads the series of each metric, in the same order as <paramref name="definitions"/>. Each series' values follow
    /// its definition's <see cref="MetricDefinition.ValueLayout"/>.
    /// </summary>
    Task<IReadOnlyList<IReadOnlyList<SeriesSnapshot>>> CollectAsync(
        IReadOnlyList<MetricDefinition> definitions, CancellationToken cancellationToken = default);
}
