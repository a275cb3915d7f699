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
internal sealed class MetricBinder
{
    private readonly ReferenceMap<Collector, CollectorBinding> _collectors = new();
    private readonly ReferenceMap<Counter.Child, PyCounter> _counters = new();
    private readonly ReferenceMap<Gauge.Child, PyGauge> _gauges = new();
    private readonly ReferenceMap<Histogram.Child, PyHistogram> _histograms = new();
    private readonly ReferenceMap<Summary.Child, PySummary> _summaries = new();
    private readonly IBackend _backend;
    private readonly IBackend _localBackend = new InProcessBackend();
    private readonly IReadOnlyList<string> _localPrefixes;
    private readonly ILogger _logger;

    public MetricBinder(PrometheusNetInternals internals, IBackend backend, IReadOnlyList<string> localPrefixes, ILogger logger)
    {
        Internals = internals;
        _backend = backend;
        _localPrefixes = localPrefixes;
        _logger = logger;
    }

    public PrometheusNetInternals Internals { get; }

    public PyCounter Counter(Counter.Child child) => _counters.Get(child) ?? _counters.GetOrAdd(child, BindChild<PyCounter>);

    public PyGauge Gauge(Gauge.Child child) => _gauges.Get(child) ?? _gauges.GetOrAdd(child, BindChild<PyGauge>);

    public PyHistogram Histogram(Histogram.Child child) => _histograms.Get(child) ?? _histograms.GetOrAdd(child, BindChild<PyHistogram>);

    public PySummary Summary(Summary.Child child) => _summaries.Get(child) ?? _summaries.GetOrAdd(child, BindChild<PySummary>);

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

    /// <summary>Forgets a child prometheus-net removed, and its series in this process.</summary>
    public void Forget(CollectorBinding binding, ChildBase child)
    {
        var removed = child switch
        {
            Counter.Child c => _counters.Remove(c),
            Gauge.Child g => _gauges.Remove(g),
            Histogram.Child h => _histograms.Remove(h),
            Summary.Child s => _summaries.Remove(s),
            _ => false,
        };
        if (removed)
        {
            var values = Internals.LabelValuesOf(child);
            _ = binding.Root switch
            {
                PyCounter c => c.RemoveLabelValues(values),
                PyGauge g => g.RemoveLabelValues(values),
                PyHistogram h => h.RemoveLabelValues(values),
                PySummary s => s.RemoveLabelValues(values),
                _ => false,
            };
        }
    }

    public IEnumerable<CollectorBinding> Bindings => _collectors.Snapshot().Select(p => p.Value);

    private TMetric BindChild<TMetric>(ChildBase child) where TMetric : Metrics.Metric<TMetric>
    {
        var binding = Collector(Internals.ParentOf(child));
        var values = Internals.LabelValuesOf(child);
        var root = (TMetric)binding.Root;
        var series = values.Length == 0 ? root : root.WithLabelValues(values);
        binding.Track(child);
        return series;
    }

    private CollectorBinding CreateBinding(Collector collector)
    {
        var isLocal = _localPrefixes.Any(p => collector.Name.StartsWith(p, StringComparison.Ordinal));
        var backend = isLocal ? _localBackend : _backend;
        var labels = Internals.LabelNamesOf(collector);
        PyMetric root = collector switch
        {
            Prometheus.Counter => new PyCounter(collector.Name, collector.Help, labels, registry: PyRegistry.None, backend: backend),
            Prometheus.Gauge => new PyGauge(collector.Name, collector.Help, labels, registry: PyRegistry.None, backend: backend),
            Prometheus.Histogram h => new PyHistogram(collector.Name, collector.Help, labels, buckets: Internals.BucketsOf(h), registry: PyRegistry.None, backend: backend),
            Prometheus.Summary => new PySummary(collector.Name, collector.Help, labels, registry: PyRegistry.None, backend: backend),
            _ => throw new NotSupportedException($"Unknown prometheus-net collector type {collector.GetType()}."),
        };
        Log.Bound(_logger, collector.Name, root.Type.ToString(), isLocal ? "in-process (process-specific)" : backend.GetType().Name);
        return new CollectorBinding(collector, root, isLocal);
    }
}
