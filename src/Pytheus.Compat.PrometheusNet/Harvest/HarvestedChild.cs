using Prometheus;
using PyMetric = Pytheus.Metrics.Metric;

namespace Pytheus.Compat.PrometheusNet.Harvest;

/// <summary>
/// What the portable strategy remembers about one prometheus-net child: how much of its stored values is already in
/// the backend, so that each harvest moves exactly the changes made since the previous one.
/// </summary>
/// <remarks>Only used under the harvester's gate: one harvest or show at a time.</remarks>
internal abstract class HarvestedChild(ChildBase child, string key)
{
    /// <summary>The prometheus-net child.</summary>
    public ChildBase Child { get; } = child;

    /// <summary>The child's label values (instance then static) as one key, to match it with the backend's series.</summary>
    public string Key { get; } = key;

    /// <summary>
    /// Moves the changes made since the previous harvest into <paramref name="series"/>. A gauge showing the shared value
    /// since before <paramref name="restoreShownBefore"/> (a <see cref="System.Diagnostics.Stopwatch"/> timestamp) gets
    /// this process's own value back.
    /// </summary>
    public abstract void Harvest(PyMetric series, long restoreShownBefore);

    /// <summary>
    /// Makes prometheus-net's storage hold the shared values read from the backend, keeping every change not harvested
    /// yet: such a change found on the way is moved into <paramref name="series"/> and added to what is shown.
    /// </summary>
    /// <param name="series">The bound Pytheus series.</param>
    /// <param name="shared">The backend's values, in the family's value layout.</param>
    public abstract void Show(PyMetric series, IReadOnlyList<double> shared);

    /// <summary>
    /// When the patch is undone: takes prometheus-net's stored values (resetting them to 0, as the detour strategy leaves
    /// them) and moves the changes not harvested yet into <paramref name="series"/>. Everything recorded while patched
    /// stays in the backend, and a later patch with either strategy starts from zero.
    /// </summary>
    public abstract void Release(PyMetric series);

    /// <summary>The key of a label set.</summary>
    public static string KeyOf(IReadOnlyList<string> labelValues) => string.Join('\u0000', labelValues);
}
