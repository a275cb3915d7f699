using Pytheus.Backends;
using Pytheus.Metrics;

namespace Pytheus.Exposition;

/// <summary>One metric family as collected for a scrape.</summary>
/// <param name="Name">The exposed name (registry prefix applied).</param>
/// <param name="Family">The family's definition.</param>
/// <param name="Series">The series, each with values in the family's value layout.</param>
public sealed record MetricSnapshot(string Name, MetricFamily Family, IReadOnlyList<SeriesSnapshot> Series);
