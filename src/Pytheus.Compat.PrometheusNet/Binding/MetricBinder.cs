using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Prometheus;
using Pytheus.Backends;
using Pytheus.Backends.InProcess;
using PyCounter = Pytheus.Metrics.Counter;
using PyGauge = Pytheus.Metrics.Gauge;
using PyHistogram = Pytheus.Metrics.Histogram;
using PyMetric = Pytheus.Metrics.Metric;
using PyRegistry = Pytheus.Registry.CollectorRegistry;
using PySummary = Pytheus.Metrics.Summary;

namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>
/// Binds prometheus-net collectors and children to Pytheus metrics and series, on first use: a collector to a
/// Pytheus metric with the same name, help, labels (instance then static, prometheus-net's order) and buckets; a child
/// to the Pytheus series with the same label values. Process-specific metrics (by name prefix) go to an in-process
/// backend, everything else to the configured one.
/// </summary>
/// <remarks>
/// A child prometheus-net removed keeps the series it had (no longer exposed), so that writes through a reference the
/// application still holds behave as in prometheus-net: counted in the child's <c>Value</c>, never scraped. Those
/// children are held weakly, so removed children cost nothing once the application drops them.
/// </remarks>
internal sealed class MetricBinder
{
    private readonly object _gate = new();
    private readonly ReferenceMap<Collector, CollectorBinding> _collectors = new();
    private readonly ReferenceMap<Counter.Child, PyCounter> _counters = new();
    private readonly ReferenceMap<Gauge.Child, PyGauge> _gauges = new();
    private readonly ReferenceMap<Histogram.Child, PyHistogram> _histograms = new();
    private readonly ReferenceMap<Summary.Child, PySummary> _summaries = new();
    private readonly ConditionalWeakTable<ChildBase, PyMetric> _removed = new();
    private readonly IBackend _backend;
    private readonly IBackend _localBackend = new InProcessBackend();
    private readonly IBackend _detachedBackend = new InProcessBackend();
    private readonly IReadOnlyList<string> _localPrefixes;
    private readonly ILogger _logger;

    private readonly MetricNameRules<Metrics.GaugeMode> _gaugeModes;
    private readonly MetricNameRules<Metrics.NativeHistogramOptions?> _nativeHistograms;

    public MetricBinder(
        PrometheusNetInternals internals, IBackend backend, IReadOnlyList<string> localPrefixes, MetricNameRules<Metrics.GaugeMode> gaugeModes,
        MetricNameRules<Metrics.NativeHistogramOptions?> nativeHistograms, ILogger logger)
    {
        _gaugeModes = gaugeModes;
        _nativeHistograms = nativeHistograms;
        Internals = internals;
        _backend = backend;
        _localPrefixes = localPrefixes;
        _logger = logger;
    }

    public PrometheusNetInternals Internals { get; }

    public PyCounter Counter(Counter.Child child) => _counters.Get(child) ?? Bind(_counters, child);

    public PyGauge Gauge(Gauge.Child child) => _gauges.Get(child) ?? Bind(_gauges, child);

    public PyHistogram Histogram(Histogram.Child child) => _histograms.Get(child) ?? Bind(_histograms, child);

    public PySummary Summary(Summary.Child child) => _summaries.Get(child) ?? Bind(_summaries, child);

    /// <summary>The binding of a collector, creating its Pytheus metric on first use.</summary>
    public CollectorBinding Collector(Collector collector) => _collectors.GetOrAdd(collector, CreateBinding);

    /// <summary>The Pytheus series bound to a child (binding it now if needed).</summary>
    public PyMetric Child(ChildBase child) => child switch
    {
        Counter.Child c => Counter(c),
        Gauge.Child g => Gauge(g),
        Histogram.Child h => Histogram(h),
        Summary.Child s => Summary(s),
        _ => throw new NotSupportedException($"Unknown prometheus-net child type {child.GetType()}."),
    };

    /// <summary>The bound family a child's series belong to.</summary>
    public BoundFamily FamilyOf(CollectorBinding binding, ChildBase child)
    {
        var instanceLabels = Internals.InstanceLabelCountOf(child);
        lock (_gate)
        {
            return binding.FamilyOf(instanceLabels);
        }
    }

    /// <summary>
    /// Removes the series of children prometheus-net no longer holds (removed, disposed, expired) and not re-created
    /// since; they keep their series, unexposed, for the application's remaining references.
    /// </summary>
    public void ReleaseRemoved(CollectorBinding binding, IReadOnlyCollection<ChildBase> current)
    {
        lock (_gate)
        {
            // Usually nothing was removed: every bound child is still current. Counting finds that without building a set
            // of the current children on every export and harvest.
            var stillCurrent = 0;
            foreach (var child in current)
            {
                if (binding.Bound.Contains(child))
                {
                    stillCurrent++;
                }
            }
            if (stillCurrent == binding.Bound.Count)
            {
                return;
            }
            var present = new HashSet<ChildBase>(current, ReferenceEqualityComparer.Instance);
            foreach (var child in binding.Bound.Where(c => !present.Contains(c)).ToList())
            {
                Retire(binding, child);
                FamilyOf(binding, child).Release(child, Internals.LabelValuesOf(child));
            }
        }
    }

    private TMetric Bind<TChild, TMetric>(ReferenceMap<TChild, TMetric> map, TChild child)
        where TChild : ChildBase where TMetric : PyMetric
    {
        lock (_gate)
        {
            if (map.Get(child) is { } raced)
            {
                return raced;
            }
            if (_removed.TryGetValue(child, out var kept))
            {
                return (TMetric)kept;
            }
            var binding = Collector(Internals.ParentOf(child));
            var family = FamilyOf(binding, child);
            var values = Internals.LabelValuesOf(child);
            if (!Internals.IsCurrent(child))
            {
                // Removed before its first use: it counts for itself only, as in prometheus-net.
                var detached = (TMetric)family.Detached(values, _detachedBackend);
                _removed.AddOrUpdate(child, detached);
                return detached;
            }
            var series = (TMetric)family.Attach(child, values, previous => Retire(binding, previous));
            binding.Bound.Add(child);
            return map.GetOrAdd(child, _ => series);
        }
    }

    /// <summary>Stops a removed child from being exposed: it keeps its series, unexposed, for as long as the application holds it.</summary>
    private void Retire(CollectorBinding binding, ChildBase child)
    {
        binding.Bound.Remove(child);
        PyMetric? series = child switch
        {
            Counter.Child c => Take(_counters, c),
            Gauge.Child g => Take(_gauges, g),
            Histogram.Child h => Take(_histograms, h),
            Summary.Child s => Take(_summaries, s),
            _ => null,
        };
        if (series is not null)
        {
            _removed.AddOrUpdate(child, series);
        }
    }

    private static TMetric? Take<TChild, TMetric>(ReferenceMap<TChild, TMetric> map, TChild child) where TChild : class where TMetric : class
    {
        var series = map.Get(child);
        map.Remove(child);
        return series;
    }

    private CollectorBinding CreateBinding(Collector collector)
    {
        var isLocal = _localPrefixes.Any(p => collector.Name.StartsWith(p, StringComparison.Ordinal));
        var backend = isLocal ? _localBackend : _backend;
        var buckets = collector is Prometheus.Histogram histogram ? Internals.BucketsOf(histogram) : null;
        var (objectives, maxAge, ageBuckets) = collector is Prometheus.Summary summary ? Internals.QuantilesOf(summary) : ([], default, default);
        // prometheus-net has no series limit, so a redirected metric has none either.
        const int Unlimited = int.MaxValue;
        var gaugeMode = isLocal ? Metrics.GaugeMode.LiveSum : _gaugeModes.For(collector.Name);
        // Native buckets beside prometheus-net's own: its text (the classic buckets) stays as it was.
        var native = collector is Prometheus.Histogram ? _nativeHistograms.For(collector.Name) : null;
        PyMetric Create(string[] labels, IBackend? over) => collector switch
        {
            Prometheus.Counter => new PyCounter(collector.Name, collector.Help, labels, registry: PyRegistry.None, backend: over ?? backend, seriesLimit: Unlimited),
            Prometheus.Gauge => new PyGauge(collector.Name, collector.Help, labels, registry: PyRegistry.None, backend: over ?? backend, seriesLimit: Unlimited, mode: gaugeMode),
            Prometheus.Histogram => new PyHistogram(collector.Name, collector.Help, labels, buckets: buckets, registry: PyRegistry.None, backend: over ?? backend, seriesLimit: Unlimited, nativeHistogram: native),
            Prometheus.Summary => objectives.Length == 0
                ? new PySummary(collector.Name, collector.Help, labels, registry: PyRegistry.None, backend: over ?? backend, seriesLimit: Unlimited)
                : new PySummary(collector.Name, collector.Help, labels, registry: PyRegistry.None, backend: over ?? backend, seriesLimit: Unlimited,
                    objectives: objectives, maxAge: maxAge, ageBuckets: ageBuckets),
            _ => throw new NotSupportedException($"Unknown prometheus-net collector type {collector.GetType()}."),
        };
        var binding = new CollectorBinding(collector, Create, Internals.LabelNamesOf(collector), isLocal);
        Log.Bound(_logger, collector.Name, binding.Labelled.Metric.Type.ToString(), isLocal ? "in-process (process-specific)" : backend.GetType().Name);
        return binding;
    }
}
