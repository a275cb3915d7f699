using Pytheus.Backends;
using Pytheus.Metrics;

namespace Pytheus.Exposition;

/// <summary>One metric family as collected for a scrape.</summary>
/// <param name="Name">The exposed name (registry prefix applied).</param>
/// <param name="Definition">What the family is: type, help, label names, layout and bounds.</param>
/// <param name="Series">The series, each with values in the family's value layout.</param>
/// <remarks>
/// Consecutive snapshots with the same <paramref name="Name"/> are written as one family (one HELP and TYPE, from the
/// first): a family whose series have different label names is collected as several snapshots.
/// </remarks>
public sealed record MetricSnapshot(string Name, MetricDefinition Definition, IReadOnlyList<SeriesSnapshot> Series)
{
    /// <summary>
    /// For a histogram, the <c>le</c> label values to write, one per upper bound, in place of the exposition format's
    /// own rendering of <see cref="MetricDefinition.UpperBounds"/>; for a summary with objectives, its <c>quantile</c>
    /// label values, one per objective (a bridge from another client keeps that client's text,
    /// so that series keep their identity). Null means the format's rendering.
    /// </summary>
    internal IReadOnlyList<string>? BucketLabels { get; init; }
}
