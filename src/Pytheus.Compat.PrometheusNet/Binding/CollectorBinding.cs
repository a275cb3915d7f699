using Prometheus;
using PyMetric = Pytheus.Metrics.Metric;

namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>One prometheus-net collector and the Pytheus metric it is bound to, with the children bound so far.</summary>
internal sealed class CollectorBinding(Collector source, PyMetric root, bool isLocal)
{
    private readonly object _gate = new();
    private readonly HashSet<ChildBase> _children = new(ReferenceEqualityComparer.Instance);

    public Collector Source { get; } = source;

    /// <summary>The Pytheus metric created for the collector (its unlabelled view).</summary>
    public PyMetric Root { get; } = root;

    /// <summary>Whether the metric is process-specific and kept on the in-process backend.</summary>
    public bool IsLocal { get; } = isLocal;

    public void Track(ChildBase child)
    {
        lock (_gate)
        {
            _children.Add(child);
        }
    }

    /// <summary>Bound children that prometheus-net no longer has (removed or expired), forgotten here.</summary>
    public List<ChildBase> TakeRemoved(IReadOnlyCollection<ChildBase> current)
    {
        var present = new HashSet<ChildBase>(current, ReferenceEqualityComparer.Instance);
        lock (_gate)
        {
            var removed = _children.Where(c => !present.Contains(c)).ToList();
            foreach (var child in removed)
            {
                _children.Remove(child);
            }
            return removed;
        }
    }
}
