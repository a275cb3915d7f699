using Pytheus.Backends;
using Pytheus.Metrics.Quantiles;
using Pytheus.Registry;

namespace Pytheus.Metrics;

/// <summary>
/// The sum and count of observations and, when created with quantile objectives (an extension of pytheus), estimates of
/// those quantiles over a sliding time window — merged across every process that writes to the backend.
/// </summary>
/// <remarks>
/// Quantiles come from a mergeable sketch: every observation is counted in a logarithmic bucket of its time window, and
/// a bucket stands for its values within 1% (relative error). An objective <c>q</c> is exposed as the estimate of the
/// observation of rank ⌊q·(n−1)⌋ among the <c>n</c> made in the last <c>maxAge</c> (the current window and the
/// <c>ageBuckets − 1</c> before it), so <c>|estimate − exact| ≤ 0.01·|exact|</c> for magnitudes between 1e-9 and 1e15
/// (smaller ones count as 0). See docs/summary-quantiles.md.
/// </remarks>
public sealed class Summary : Metric<Summary>, IDurationObserver
{
    private IValueStore? _sum;
    private IValueStore? _count;
    private QuantileSketch? _sketch;

    /// <summary>Creates a summary and registers it (in <see cref="CollectorRegistry.Default"/> unless told otherwise).</summary>
    /// <param name="name">The metric name, <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</param>
    /// <param name="description">The help text.</param>
    /// <param name="requiredLabels">Label names every series must have a value for (<c>quantile</c> is reserved).</param>
    /// <param name="defaultLabels">Values used for required labels not given explicitly.</param>
    /// <param name="registry">Where to register; null means <see cref="CollectorRegistry.Default"/>, <see cref="CollectorRegistry.None"/> means nowhere.</param>
    /// <param name="backend">Where the values live; null means <see cref="Backends.Backend.Current"/>.</param>
    /// <param name="seriesLimit">The most label sets kept; past it new label sets write to one overflow series whose labels are all <see cref="MetricFamily.OverflowLabelValue"/> (see <see cref="MetricFamily.SeriesLimit"/>).</param>
    /// <param name="objectives">Quantiles to expose, each in [0, 1] (e.g. <c>[0.5, 0.9, 0.99]</c>); none by default (sum and count only, as in pytheus).</param>
    /// <param name="maxAge">How long an observation counts for the quantiles; 10 minutes by default. Needs <paramref name="objectives"/>.</param>
    /// <param name="ageBuckets">In how many windows <paramref name="maxAge"/> is cut (the window slides by <c>maxAge / ageBuckets</c>); 5 by default. Needs <paramref name="objectives"/>.</param>
    /// <exception cref="InvalidMetricValueException">An objective is outside [0, 1] or given twice, <paramref name="maxAge"/> is not positive, <paramref name="ageBuckets"/> is not between 1 and 1000, or either is given without objectives.</exception>
    public Summary(
        string name, string description, IEnumerable<string>? requiredLabels = null,
        IReadOnlyDictionary<string, string>? defaultLabels = null, CollectorRegistry? registry = null, IBackend? backend = null,
        int seriesLimit = MetricFamily.DefaultSeriesLimit, IEnumerable<double>? objectives = null, TimeSpan? maxAge = null,
        int? ageBuckets = null)
        : base(MetricType.Summary, name, description, requiredLabels, defaultLabels, null, registry, "quantile", backend, seriesLimit,
            quantiles: QuantileSettings.Create(name, objectives, maxAge, ageBuckets))
    {
    }

    private Summary(MetricFamily family, string?[] explicitLabelValues) : base(family, explicitLabelValues)
    {
    }

    /// <summary>The quantile objectives exposed, ascending (empty without).</summary>
    public IReadOnlyList<double> Objectives => Family.Quantiles?.Objectives ?? [];

    /// <summary>Records one observation.</summary>
    public void Observe(double value)
    {
        var sum = _sum ?? throw Unobservable();
        sum.Inc(value);
        _count!.Inc(1);
        if (_sketch is { } sketch && !double.IsNaN(value))
        {
            sketch.Observe(value, 1);
        }
    }

    /// <summary>Adds <paramref name="count"/> observations made elsewhere whose values add up to <paramref name="sum"/> (for bridges).</summary>
    /// <exception cref="InvalidMetricValueException">The count is negative.</exception>
    internal void AddObservations(long count, double sum)
    {
        var sumStore = _sum ?? throw Unobservable();
        if (count < 0)
        {
            throw new InvalidMetricValueException($"Summary '{Name}': observation count {count} is negative.", nameof(count));
        }
        sumStore.Inc(sum);
        _count!.Inc(count);
    }

    /// <summary>The sum of observations as this process sees it.</summary>
    public double GetSum() => (_sum ?? throw Unobservable()).Get();

    /// <summary>The number of observations as this process sees it.</summary>
    public double GetCount() => (_count ?? throw Unobservable()).Get();

    /// <summary>
    /// Estimates a quantile of this process's observations in the last <c>maxAge</c> (within 1% relative error; NaN when
    /// there are none). A scrape of a shared backend shows the objectives over every process's observations.
    /// </summary>
    /// <exception cref="InvalidOperationException">The summary was created without objectives.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quantile"/> is not in [0, 1].</exception>
    public double GetQuantile(double quantile)
    {
        _ = _sum ?? throw Unobservable();
        if (!(quantile >= 0 && quantile <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, $"Summary '{Name}': a quantile is between 0 and 1.");
        }
        return (_sketch ?? throw new InvalidOperationException($"Summary '{Name}' was created without quantile objectives.")).Estimate(quantile);
    }

    /// <summary>Starts a timer that observes the elapsed seconds when disposed.</summary>
    public TimerScope Time()
    {
        _ = _sum ?? throw Unobservable();
        return new TimerScope(this);
    }

    void IDurationObserver.ObserveDuration(double seconds) => Observe(seconds);

    private protected override Summary CreateView(string?[] explicitLabelValues) => new(Family, explicitLabelValues);

    private protected override void CreateStores(Func<int, IValueStore> create)
    {
        _sum = create(0);
        _count = create(1);
        if (Family.Quantiles is { } quantiles)
        {
            // The stores are created before the series' label values are known here; read them when a bucket is made.
            _sketch = new QuantileSketch(Family, quantiles, bucket => Family.Backend.CreateStore(new ValueDescriptor(Family.Definition, SeriesLabelValues!, bucket)));
        }
    }

    private protected override void ShareStores(Metric owner)
    {
        var summary = (Summary)owner;
        _sum = summary._sum;
        _count = summary._count;
        _sketch = summary._sketch;
    }

    internal override void ReadValues(Span<double> values)
    {
        values[0] = _sum!.Get();
        values[1] = _count!.Get();
        _sketch?.Estimate(values[2..]);
    }
}
