using Pytheus.Metrics;

namespace Pytheus.Backends;

/// <summary>
/// A backend shared by many processes that can remove a series for all of them: <c>RemoveLabelValues</c> and
/// <c>Clear</c> on a metric call it. Backends without it only forget the series in this process.
/// </summary>
/// <remarks>
/// Called on the application's thread, under the family's lock: implementations must not block on I/O — they record
/// the removal and apply it with their next write, ordered with the changes made before it. After a removal a
/// process's later write recreates the series from that write alone; it never brings back the removed total.
/// </remarks>
public interface ISeriesRemovingBackend : IBackend
{
    /// <summary>Removes the series of the metric <paramref name="definition"/> defines, with these label values (aligned with its label names).</summary>
    void RemoveSeries(MetricDefinition definition, IReadOnlyList<string> labelValues);

    /// <summary>Removes every series of the metric <paramref name="definition"/> defines.</summary>
    void RemoveAllSeries(MetricDefinition definition);
}
