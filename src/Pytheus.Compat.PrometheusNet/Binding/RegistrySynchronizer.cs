using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Prometheus;
using PyRegistry = Pytheus.Registry.CollectorRegistry;

namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>
/// Before each export, makes the Pytheus registry that stands for a prometheus-net registry match it: every collector
/// bound and registered, every published child bound to its series, escaped updates folded in, removed children
/// forgotten. The default prometheus-net registry maps to the configured Pytheus registry; custom ones to their own.
/// </summary>
internal sealed class RegistrySynchronizer(MetricBinder binder, PyRegistry defaultTarget, ILogger logger)
{
    private readonly ConditionalWeakTable<CollectorRegistry, PyRegistry> _targets = new();
    private readonly HashSet<string> _reported = [];
    private double _escapedAmount;
    private long _escapedObservations;

    /// <summary>
    /// What was found in prometheus-net's storage and folded into the backend since patching: counter and gauge amounts,
    /// histogram and summary observations.
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

    public PyRegistry Synchronize(CollectorRegistry source)
    {
        var target = TargetFor(source);
        var internals = binder.Internals;
        foreach (var collector in internals.CollectorsOf(source))
        {
            var children = internals.ChildrenOf(collector);
            var published = children.Where(internals.IsPublished).ToList();
            // prometheus-net hides an unlabelled metric created with SuppressInitialValue until its first update.
            if (collector.LabelNames.Length == 0 && published.Count == 0 && internals.SuppressesInitialValue(collector))
            {
                continue;
            }
            var binding = binder.Collector(collector);
            Register(target, binding);
            double amount = 0;
            long observations = 0;
            foreach (var child in published)
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
            foreach (var removed in binding.TakeRemoved(children))
            {
                binder.Forget(binding, removed);
            }
        }
        return target;
    }

    /// <summary>Registers a bound metric in the Pytheus registry once; a conflict is logged once and the metric left out.</summary>
    public void Register(PyRegistry target, CollectorBinding binding)
    {
        if (target.Collectors.Contains(binding.Root.Family))
        {
            return;
        }
        try
        {
            target.Register(binding.Root);
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
        }
    }
}
