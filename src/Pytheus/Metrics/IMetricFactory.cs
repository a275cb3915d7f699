using Pytheus.Backends;
using Pytheus.Registry;

namespace Pytheus.Metrics;

/// <summary>
/// Creates metrics bound to one registry and one backend, whatever <see cref="Backend.Current"/> and
/// <see cref="CollectorRegistry.Default"/> are: what dependency injection hands to application code, so that metrics
/// never depend on start-up order or on the process-wide defaults (<see cref="MetricFactory"/>).
/// </summary>
/// <remarks>
/// Each method takes the arguments of the metric's constructor but the registry and the backend. Asking twice for the
/// same name and definition returns a metric of the same family, as constructing it twice does; a different definition
/// under a registered name throws <see cref="MetricConflictException"/>.
/// </remarks>
public interface IMetricFactory
{
    /// <summary>The registry the factory's metrics are registered in.</summary>
    CollectorRegistry Registry { get; }

    /// <summary>The backend the factory's metrics store their values in.</summary>
    IBackend Backend { get; }

    /// <summary>Creates (or finds) a counter; see <see cref="Counter(string, string, IEnumerable{string}?, IReadOnlyDictionary{string, string}?, CollectorRegistry?, IBackend?, int)"/>.</summary>
    Counter CreateCounter(
        string name, string description, IEnumerable<string>? requiredLabels = null,
        IReadOnlyDictionary<string, string>? defaultLabels = null, int seriesLimit = MetricFamily.DefaultSeriesLimit);

    /// <summary>Creates (or finds) a gauge; see <see cref="Gauge(string, string, IEnumerable{string}?, IReadOnlyDictionary{string, string}?, CollectorRegistry?, IBackend?, int, GaugeMode)"/>.</summary>
    Gauge CreateGauge(
        string name, string description, IEnumerable<string>? requiredLabels = null,
        IReadOnlyDictionary<string, string>? defaultLabels = null, int seriesLimit = MetricFamily.DefaultSeriesLimit,
        GaugeMode mode = GaugeMode.LiveSum);

    /// <summary>Creates (or finds) a histogram; see <see cref="Histogram(string, string, IEnumerable{string}?, IReadOnlyDictionary{string, string}?, IEnumerable{double}?, CollectorRegistry?, IBackend?, int, NativeHistogramOptions?)"/>.</summary>
    Histogram CreateHistogram(
        string name, string description, IEnumerable<string>? requiredLabels = null,
        IReadOnlyDictionary<string, string>? defaultLabels = null, IEnumerable<double>? buckets = null,
        int seriesLimit = MetricFamily.DefaultSeriesLimit, NativeHistogramOptions? nativeHistogram = null);

    /// <summary>Creates (or finds) a summary; see <see cref="Summary(string, string, IEnumerable{string}?, IReadOnlyDictionary{string, string}?, CollectorRegistry?, IBackend?, int, IEnumerable{double}?, TimeSpan?, int?)"/>.</summary>
    Summary CreateSummary(
        string name, string description, IEnumerable<string>? requiredLabels = null,
        IReadOnlyDictionary<string, string>? defaultLabels = null, int seriesLimit = MetricFamily.DefaultSeriesLimit,
        IEnumerable<double>? objectives = null, TimeSpan? maxAge = null, int? ageBuckets = null);
}
