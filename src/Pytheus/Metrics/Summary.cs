using Pytheus.Backends;
using Pytheus.Registry;

namespace Pytheus.Metrics;

/// <summary>The sum and count of observations (pytheus summaries have no quantiles).</summary>
public sealed class Summary : Metric<Summary>, IDurationObserver
{
    private IValueStore? _sum;
    private IValueStore? _count;

    /// <summary>Creates a summary and registers it (in <see cref="CollectorRegistry.Default"/> unless told otherwise).</summary>
    /// <param name="name">The metric name, <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</param>
    /// <param name="description">The help text.</param>
    /// <param name="requiredLabels">Label names every series must have a value for (<c>quantile</c> is reserved).</param>
    /// <param name="defaultLabels">Values used for required labels not given explicitly.</param>
    /// <param name="registry">Where to register; null means <see cref="CollectorRegistry.Default"/>, <see cref="CollectorRegistry.None"/> means nowhere.</param>
    /// <param name="backend">Where the values live; null means <see cref="Backends.Backend.Current"/>.</param>
    /// <param name="seriesLimit">The most label sets kept; past it new label sets write to one overflow series whose labels are all <see cref="MetricFamily.OverflowLabelValue"/> (see <see cref="MetricFamily.SeriesLimit"/>).</param>
    public Summary(
        string name, string description, IEnumerable<string>? requiredLabels = null,
        IReadOnlyDictionary<string, string>? defaultLabels = null, CollectorRegistry? registry = null, IBackend? backend = null,
        int seriesLimit = MetricFamily.DefaultSeriesLimit)
        : base(MetricType.Summary, name, description, requiredLabels, defaultLabels, null, registry, "quantile", backend, seriesLimit)
    {
    }

    private Summary(MetricFamily family, string?[] explicitLabelValues) : base(family, explicitLabelValues)
    {
    }

    /// <summary>Records one observation.</summary>
    public void Observe(double value)
    {
        var sum = _sum ?? throw Unobservable();
        sum.Inc(value);
        _count!.Inc(1);
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
    }

    private protected override void ShareStores(Metric owner)
    {
        _sum = ((Summary)owner)._sum;
        _count = ((Summary)owner)._count;
    }

    internal override void ReadValues(Span<double> values)
    {
        values[0] = _sum!.Get();
        values[1] = _count!.Get();
    }
}
