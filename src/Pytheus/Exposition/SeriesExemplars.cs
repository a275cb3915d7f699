using Pytheus.Backends;
using Pytheus.Metrics;

namespace Pytheus.Exposition;

/// <summary>
/// Where a series' exemplars come from when it is written: its child (a local series, read from the stores) or its
/// snapshot (a collected one). The default value has none (a format that writes no exemplars).
/// </summary>
internal readonly struct SeriesExemplars(Metric? child, IReadOnlyList<ExemplarSample?>? collected)
{
    /// <summary>The latest exemplar of value slot <paramref name="slot"/> (a counter's value, a histogram bucket), or null.</summary>
    public ExemplarSample? At(int slot) =>
        child is not null ? child.ExemplarAt(slot)
        : collected is not null && slot < collected.Count ? collected[slot]
        : null;
}
