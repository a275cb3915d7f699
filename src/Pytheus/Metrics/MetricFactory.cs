using Pytheus.Backends;
using Pytheus.Registry;

namespace Pytheus.Metrics;

/// <summary>
/// The <see cref="IMetricFactory"/>: metrics registered in the given registry and stored in the given backend.
/// </summary>
/// <example>
/// <code>
/// var metrics = new MetricFactory(new CollectorRegistry(), redisBackend);
/// var requests = metrics.CreateCounter("requests_total", "Requests served.", ["route"]);
/// </code>
/// In ASP.NET Core, <c>services.AddPytheus()</c> registers one bound to the registered registry and backend.
/// </example>
public sealed class MetricFactory : IMetricFactory
{
    /// <summary>Creates a factory for <paramref name="registry"/> and <paramref name="backend"/>.</summary>
    /// <param name="registry">Where the metrics are registered; <see cref="CollectorRegistry.None"/> for nowhere.</param>
    /// <param name="backend">Where the metrics' values are stored.</param>
    public MetricFactory(CollectorRegistry registry, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(backend);
        Registry = registry;
        Backend = backend;
    }

    /// <inheritdoc />
    public CollectorRegistry Registry { get; }

    /// <inheritdoc />
    public IBackend Backend { get; }

    /// <inheritdoc />
    public Counter CreateCounter(
        string name, string description, IEnumerable<string>? requiredLabels = null,
        IReadOnlyDictionary<string, string>? defaultLabels = null, int seriesLimit = MetricFamily.DefaultSeriesLimit) =>
        new(name, description, requiredLabels, defaultLabels, Registry, Backend, seriesLimit);

    /// <inheritdoc />
    public Gauge CreateGauge(
        string name, string description, IEnumerable<string>? requiredLabels = null,
        IReadOnlyDictionary<string, string>? defaultLabels = null, int seriesLimit = MetricFamily.DefaultSeriesLimit,
        GaugeMode mode = GaugeMode.LiveSum) =>
        new(name, description, requiredLabels, defaultLabels, Registry, Backend, seriesLimit, mode);

    /// <inheritdoc />
    public Histogram CreateHistogram(
        string name, string description, IEnumerable<string>? requiredLabels = null,
        IReadOnlyDictionary<string, string>? defaultLabels = null, IEnumerable<double>? buckets = null,
        int seriesLimit = MetricFamily.DefaultSeriesLimit, NativeHistogramOptions? nativeHistogram = null) =>
        new(name, description, requiredLabels, defaultLabels, buckets, Registry, Backend, seriesLimit, nativeHistogram);

    /// <inheritdoc />
    public Summary CreateSummary(
        string name, string description, IEnumerable<string>? requiredLabels = null,
        IReadOnlyDictionary<string, string>? defaultLabels = null, int seriesLimit = MetricFamily.DefaultSeriesLimit,
        IEnumerable<double>? objectives = null, TimeSpan? maxAge = null, int? ageBuckets = null) =>
        new(name, description, requiredLabels, defaultLabels, Registry, Backend, seriesLimit, objectives, maxAge, ageBuckets);
}
