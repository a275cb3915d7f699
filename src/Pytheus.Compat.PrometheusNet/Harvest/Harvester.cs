using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Prometheus;
using Pytheus.Compat.PrometheusNet.Binding;
using Pytheus.Exposition;
using Pytheus.Metrics;
using PyMetricFamily = Pytheus.Metrics.MetricFamily;

namespace Pytheus.Compat.PrometheusNet.Harvest;

/// <summary>
/// The portable strategy's work on a prometheus-net registry: <see cref="Harvest"/> moves every published child's
/// changes into its bound Pytheus series (the same binding as the detour strategy's), and
/// <see cref="HarvestAndShowAsync"/> does that, reads the shared values from the backend (one round trip for Redis) and
/// writes them into prometheus-net's storage for its exporter — creating, with prometheus-net's public API, the series
/// only other processes wrote. One operation at a time (a gate), so each change is taken exactly once.
/// </summary>
internal sealed class Harvester(MetricBinder binder, RegistrySynchronizer synchronizer, ILogger logger)
{
    private readonly ConditionalWeakTable<ChildBase, HarvestedChild> _children = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly PrometheusNetInternals _internals = binder.Internals;

    // One callback for every lookup: a lambda capturing the harvester would be allocated per child per harvest.
    private readonly ConditionalWeakTable<ChildBase, HarvestedChild>.CreateValueCallback _createLocal = CreateFor(binder.Internals, createdForRemote: false);

    /// <summary>
    /// A timed harvest. Skipped when a harvest is running (an export harvests anyway), so a slow backend read never
    /// piles up timer callbacks.
    /// </summary>
    /// <param name="sources">The registries to harvest.</param>
    /// <param name="restoreShownBefore">Gauges showing the shared value since before this timestamp get their own value back.</param>
    /// <param name="wait">Whether to wait for a running harvest (at exit and undo) rather than skip.</param>
    /// <param name="release">Undo: take the stored values, leaving prometheus-net's storage at 0 (see <see cref="HarvestedChild.Release"/>).</param>
    public void HarvestAll(IEnumerable<CollectorRegistry> sources, long restoreShownBefore, bool wait, bool release = false)
    {
        if (!_gate.Wait(wait ? Timeout.Infinite : 0))
        {
            return;
        }
        try
        {
            foreach (var source in sources)
            {
                Harvest(source, restoreShownBefore, release, keyed: false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Before an export of <paramref name="source"/>: harvest, read the shared values, show them.</summary>
    public async Task HarvestAndShowAsync(CollectorRegistry source, CancellationToken cancel)
    {
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            var harvested = Harvest(source, long.MinValue, release: false, keyed: true);
            var snapshots = await RegistryCollector.CollectAsync(synchronizer.TargetFor(source), cancel).ConfigureAwait(false);
            Show(harvested, snapshots);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Moves every published child's changes into its series; when <paramref name="keyed"/>, returns each collector's
    /// harvested children by key, to show the shared values (a timed harvest needs no result).
    /// </summary>
    private List<(CollectorBinding Binding, Dictionary<string, HarvestedChild> Children)> Harvest(CollectorRegistry source, long restoreShownBefore, bool release, bool keyed)
    {
        var target = synchronizer.TargetFor(source);
        var result = new List<(CollectorBinding, Dictionary<string, HarvestedChild>)>();
        foreach (var collector in _internals.FamiliesOf(source).SelectMany(f => f))
        {
            var binding = binder.Collector(collector);
            // Process-specific metrics are prometheus-net's own business: it exports them as it always did.
            if (binding.IsLocal)
            {
                continue;
            }
            synchronizer.Register(target, binding);
            var children = _internals.ChildrenOf(collector);
            var byKey = keyed ? new Dictionary<string, HarvestedChild>(children.Count, StringComparer.Ordinal) : null;
            foreach (var child in children.Where(_internals.IsPublished))
            {
                var state = _children.GetValue(child, _createLocal);
                if (release)
                {
                    state.Release(binder.Child(child));
                }
                else
                {
                    state.Harvest(binder.Child(child), restoreShownBefore);
                }
                if (byKey is not null)
                {
                    byKey[state.Key] = state;
                }
            }
            // Removed children's harvest states go with them (weak table).
            binder.ReleaseRemoved(binding, children);
            if (byKey is not null)
            {
                result.Add((binding, byKey));
            }
        }
        return result;
    }

    private void Show(List<(CollectorBinding Binding, Dictionary<string, HarvestedChild> Children)> harvested, IReadOnlyList<MetricSnapshot> snapshots)
    {
        var byFamily = new Dictionary<Metrics.MetricDefinition, MetricSnapshot>(ReferenceEqualityComparer.Instance);
        foreach (var snapshot in snapshots)
        {
            byFamily.TryAdd(snapshot.Definition, snapshot);
        }
        foreach (var (binding, children) in harvested)
        {
            var family = binding.Labelled.Metric.Family;
            if (family.GaugeMode.HasWriterLabel() || !byFamily.TryGetValue(family.Definition, out var snapshot))
            {
                continue;
            }
            foreach (var series in snapshot.Series)
            {
                if (children.GetValueOrDefault(HarvestedChild.KeyOf(series.LabelValues)) is not { } state
                    && (state = CreateForRemote(binding, series)) is null)
                {
                    continue;
                }
                state.Show(binder.Child(state.Child), series.Values);
            }
        }
    }

    /// <summary>
    /// A child for a series only other processes wrote, created through prometheus-net's public API and published, so
    /// that its exporter shows it. Null when the series' static label values are not this collector's (another process
    /// gave the same metric other static labels): this process cannot express it; and when the metric suppresses its
    /// initial value and the series holds only zeros (nobody updated it: prometheus-net would not show it either).
    /// </summary>
    private HarvestedChild? CreateForRemote(CollectorBinding binding, Backends.SeriesSnapshot series)
    {
        var collector = binding.Source;
        var labelValues = series.LabelValues;
        if (_internals.SuppressesInitialValue(collector) && series.Values.All(v => v == 0))
        {
            return null;
        }
        var instanceCount = collector.LabelNames.Length;
        var statics = _internals.StaticLabelValuesOf(collector);
        if (labelValues.Count != instanceCount + statics.Length || !labelValues.Skip(instanceCount).SequenceEqual(statics, StringComparer.Ordinal))
        {
            return null;
        }
        var instance = labelValues.Take(instanceCount).ToArray();
        ChildBase child = collector switch
        {
            Prometheus.Counter c => instanceCount == 0 ? ((ICollector<Prometheus.Counter.Child>)c).Unlabelled : c.WithLabels(instance),
            Prometheus.Gauge g => instanceCount == 0 ? ((ICollector<Prometheus.Gauge.Child>)g).Unlabelled : g.WithLabels(instance),
            Prometheus.Histogram h => instanceCount == 0 ? ((ICollector<Prometheus.Histogram.Child>)h).Unlabelled : h.WithLabels(instance),
            Prometheus.Summary s => instanceCount == 0 ? ((ICollector<Prometheus.Summary.Child>)s).Unlabelled : s.WithLabels(instance),
            _ => throw new NotSupportedException($"Unknown prometheus-net collector type {collector.GetType()}."),
        };
        child.Publish();
        var state = _children.GetValue(child, CreateFor(_internals, createdForRemote: true));
        Log.RemoteSeriesCreated(logger, collector.Name, string.Join(",", instance));
        return state;
    }

    private static ConditionalWeakTable<ChildBase, HarvestedChild>.CreateValueCallback CreateFor(PrometheusNetInternals internals, bool createdForRemote) => child =>
    {
        var key = HarvestedChild.KeyOf(internals.LabelValuesOf(child));
        return child switch
        {
            Prometheus.Counter.Child c => new HarvestedCounter(internals, c, key),
            Prometheus.Gauge.Child g => new HarvestedGauge(internals, g, key, createdForRemote),
            Prometheus.Histogram.Child h => new HarvestedHistogram(internals, h, key),
            Prometheus.Summary.Child s => new HarvestedSummary(internals, s, key),
            _ => throw new NotSupportedException($"Unknown prometheus-net child type {child.GetType()}."),
        };
    };
}
