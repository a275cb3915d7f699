using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Prometheus;
using PyRegistry = Pytheus.Registry.CollectorRegistry;

namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>
/// Before each export, makes the Pytheus registry that stands for a prometheus-net registry match it: every collector
/// bound, the first of each name registered, every published child bound to its series, escaped updates folded in,
/// removed children released. The default prometheus-net registry maps to the configured Pytheus registry; custom ones
/// to their own.
/// </summary>
internal sealed class RegistrySynchronizer(MetricBinder binder, PyRegistry defaultTarget, ILogger logger)
{
    private readonly ConditionalWeakTable<CollectorRegistry, PyRegistry> _targets = new();
    private readonly HashSet<string> _reported = [];
    private readonly List<(PyRegistry Target, Metrics.MetricFamily Family)> _registered = [];
    private double _escapedAmount;
    private long _escapedObservations;

    /// <summary>
    /// Updates found in prometheus-net's storage and folded into the backend since patching: counter and gauge amounts,
    /// and histogram and summary observations.
    /// </summary>
    public (double Amount, long Observations) Escaped
    {
        get
        {
            lock (_reported)
            {
                return (_escapedAmount, _escapedObservations);
            }
        }
    }

    public PyRegistry TargetFor(CollectorRegistry source) =>
        ReferenceEquals(source, Prometheus.Metrics.DefaultRegistry) ? defaultTarget : _targets.GetValue(source, _ => new PyRegistry());

    public (PyRegistry Target, ExportPlan Plan) Synchronize(CollectorRegistry source)
    {
        var target = TargetFor(source);
        var plan = new ExportPlan();
        var internals = binder.Internals;
        foreach (var collectors in internals.FamiliesOf(source))
        {
            var bindings = collectors.Select(c => Synchronize(c, plan)).ToList();
            var registered = Register(target, bindings[0]);
            if (registered is not null)
            {
                plan.AddFamily(registered, bindings.SelectMany(b => b.BoundMetrics).Select(m => m.Family));
            }
        }
        return (target, plan);
    }

    private CollectorBinding Synchronize(Collector collector, ExportPlan plan)
    {
        var internals = binder.Internals;
        if (collector.LabelNames.Length == 0)
        {
            // prometheus-net creates the sample of a metric without labels when it collects it.
            internals.EnsureUnlabelled(collector);
        }
        var binding = binder.Collector(collector);
        var children = internals.ChildrenOf(collector);
        double amount = 0;
        long observations = 0;
        foreach (var child in children.Where(internals.IsPublished))
        {
            var (childAmount, childObservations) = EscapedUpdates.Fold(internals, child, binder.Child(child));
            amount += childAmount;
            observations += childObservations;
        }
        if (amount != 0 || observations != 0)
        {
            lock (_reported)
            {
                _escapedAmount += amount;
                _escapedObservations += observations;
            }
            Log.EscapedFolded(logger, collector.Name, amount, observations);
        }
        binder.ReleaseRemoved(binding, children);
        foreach (var child in children.Where(c => !internals.IsPublished(c)))
        {
            plan.Hide(binder.FamilyOf(binding, child).Metric.Family, internals.LabelValuesOf(child));
        }
        return binding;
    }

    /// <summary>Registers the collector's labelled metric (again, if it was replaced); null if the name is taken by a Pytheus metric.</summary>
    public Metrics.MetricFamily? Register(PyRegistry target, CollectorBinding binding)
    {
        var family = binding.Labelled.Metric.Family;
        if (target.Collectors.Contains(family))
        {
            binding.Registered = family;
            return family;
        }
        if (binding.Registered is { } replaced)
        {
            target.Unregister(replaced);
        }
        try
        {
            target.Register(binding.Labelled.Metric);
            binding.Registered = family;
            lock (_registered)
            {
                _registered.Add((target, family));
            }
            return family;
        }
        catch (MetricConflictException e)
        {
            lock (_reported)
            {
                if (_reported.Add(binding.Source.Name))
                {
                    Log.CannotExpose(logger, binding.Source.Name, e.Message);
                }
            }
            return null;
        }
    }

    /// <summary>
    /// Unregisters every family this synchronizer registered, when a patch with another backend or other options takes
    /// over its registries: the new bindings register their own under the same names.
    /// </summary>
    public void Retire()
    {
        lock (_registered)
        {
            foreach (var (target, family) in _registered)
            {
                if (target.Collectors.Contains(family))
                {
                    target.Unregister(family);
                }
            }
            _registered.Clear();
        }
    }
}
