using Prometheus;
using PyMetric = Pytheus.Metrics.Metric;

namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>
/// One prometheus-net collector and the Pytheus metrics it is bound to: <see cref="Labelled"/> (instance labels then
/// static labels, prometheus-net's order) and, when a labelled collector is also written without labels (which
/// prometheus-net allows, exposing an unlabelled sample in the same family), <see cref="Unlabelled"/> (static labels only).
/// A collector without instance labels has only <see cref="Labelled"/>.
/// </summary>
internal sealed class CollectorBinding(Collector source, Func<string[], Backends.IBackend?, PyMetric> create, string[] labelNames, bool isLocal)
{
    private readonly int _instanceLabelCount = source.LabelNames.Length;
    private BoundFamily? _unlabelled;

    public Collector Source { get; } = source;

    public BoundFamily Labelled { get; } = new(backend => create(labelNames, backend));

    public BoundFamily? Unlabelled => _unlabelled;

    /// <summary>The children bound to a series and not yet found removed (guarded by the binder's lock).</summary>
    public HashSet<ChildBase> Bound { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>The family of <see cref="Labelled"/> registered in the Pytheus registry, once it is.</summary>
    public Metrics.MetricFamily? Registered { get; set; }

    /// <summary>Whether the metric is process-specific and kept on the in-process backend.</summary>
    public bool IsLocal { get; } = isLocal;

    /// <summary>
    /// Where a child's series live: <see cref="Unlabelled"/> for the label-less child of a labelled collector (created
    /// on first use; callers hold the binder's lock).
    /// </summary>
    public BoundFamily FamilyOf(int childInstanceLabelCount) =>
        childInstanceLabelCount == 0 && _instanceLabelCount > 0
            ? _unlabelled ??= new BoundFamily(backend => create(labelNames[_instanceLabelCount..], backend))
            : Labelled;

    /// <summary>The Pytheus metrics of this collector in exposition order.</summary>
    public IEnumerable<PyMetric> BoundMetrics => _unlabelled is { } unlabelled ? [Labelled.Metric, unlabelled.Metric] : [Labelled.Metric];
}
