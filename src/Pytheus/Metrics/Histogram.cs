using Pytheus.Backends;
using Pytheus.Metrics.Native;
using Pytheus.Registry;

namespace Pytheus.Metrics;

/// <summary>
/// Counts observations into buckets by upper bound and keeps their sum. Each observation is stored in exactly one
/// bucket; exposition makes the buckets cumulative, and <c>_count</c> is the sum of the buckets — so <c>_count</c>
/// always equals the <c>+Inf</c> bucket, on every backend. With <see cref="NativeHistogramOptions"/> it also counts
/// observations into native (sparse, exponential) buckets, exposed in the Prometheus protobuf format.
/// </summary>
public sealed class Histogram : Metric<Histogram>, IDurationObserver
{
    private IValueStore[]? _buckets;
    private IValueStore? _sum;
    private double[] _bounds = [];
    private IValueStore? _zero;
    private NativeSeries? _native;

    /// <summary>Creates a histogram and registers it (in <see cref="CollectorRegistry.Default"/> unless told otherwise).</summary>
    /// <param name="name">The metric name, <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</param>
    /// <param name="description">The help text.</param>
    /// <param name="requiredLabels">Label names every series must have a value for (<c>le</c> is reserved).</param>
    /// <param name="defaultLabels">Values used for required labels not given explicitly.</param>
    /// <param name="buckets">Finite, strictly increasing upper bounds; <c>+Inf</c> is added. Null means <see cref="Buckets.Default"/>, or only <c>+Inf</c> when <paramref name="nativeHistogram"/> is given.</param>
    /// <param name="registry">Where to register; null means <see cref="CollectorRegistry.Default"/>, <see cref="CollectorRegistry.None"/> means nowhere.</param>
    /// <param name="backend">Where the values live; null means <see cref="Backends.Backend.Current"/>.</param>
    /// <param name="seriesLimit">The most label sets kept; past it new label sets write to one overflow series whose labels are all <see cref="MetricFamily.OverflowLabelValue"/> (see <see cref="MetricFamily.SeriesLimit"/>).</param>
    /// <param name="nativeHistogram">Native buckets as well (or, without <paramref name="buckets"/>, instead of classic ones); null means classic buckets only.</param>
    /// <exception cref="BucketException">The bucket bounds or the native histogram options are invalid; the message names the value at fault.</exception>
    public Histogram(
        string name, string description, IEnumerable<string>? requiredLabels = null,
        IReadOnlyDictionary<string, string>? defaultLabels = null, IEnumerable<double>? buckets = null,
        CollectorRegistry? registry = null, IBackend? backend = null,
        int seriesLimit = MetricFamily.DefaultSeriesLimit, NativeHistogramOptions? nativeHistogram = null)
        : base(MetricType.Histogram, name, description, requiredLabels, defaultLabels, buckets, registry, "le", backend, seriesLimit,
            nativeHistogram: nativeHistogram)
    {
    }

    private Histogram(MetricFamily family, string?[] explicitLabelValues) : base(family, explicitLabelValues)
    {
    }

    /// <summary>The bucket upper bounds, ending with <c>+Inf</c>.</summary>
    public IReadOnlyList<double> UpperBounds => Family.UpperBounds;

    /// <summary>The native bucket options, or null when the histogram has classic buckets only.</summary>
    public NativeHistogramOptions? NativeHistogram => Family.NativeHistogram;

    /// <summary>
    /// Records one observation. NaN lands in the <c>+Inf</c> bucket (as in Prometheus's Go client), in no native bucket,
    /// and makes the sum NaN.
    /// </summary>
    public void Observe(double value)
    {
        var buckets = _buckets ?? throw Unobservable();
        buckets[BucketIndex(value)].Inc(1);
        _sum!.Inc(value);
        _native?.Observe(value, 1);
    }

    /// <summary>
    /// Records one observation and <paramref name="exemplar"/> as the latest exemplar of the bucket it falls in (exposed
    /// in OpenMetrics and protobuf; on a shared backend the latest of all processes).
    /// </summary>
    /// <exception cref="UnobservableMetricException">Some required label has no value.</exception>
    public void Observe(double value, Exemplar exemplar)
    {
        ArgumentNullException.ThrowIfNull(exemplar);
        Observe(value, 1, exemplar);
    }

    /// <summary>Records <paramref name="count"/> observations of <paramref name="value"/> with an exemplar for its bucket (bridges).</summary>
    internal void Observe(double value, long count, Exemplar exemplar)
    {
        Observe(value, count);
        (_buckets![BucketIndex(value)] as IExemplarStore)?.RecordExemplar(new ExemplarSample(exemplar, value, ExemplarTimestamp()));
    }

    internal override ExemplarSample? ExemplarAt(int slot) =>
        _buckets is { } buckets && slot < buckets.Length ? (buckets[slot] as IExemplarStore)?.Exemplar : null;

    /// <summary>Records <paramref name="count"/> observations of the same <paramref name="value"/>.</summary>
    /// <exception cref="InvalidMetricValueException">The count is negative.</exception>
    public void Observe(double value, long count)
    {
        var buckets = _buckets ?? throw Unobservable();
        if (count < 0)
        {
            throw new InvalidMetricValueException($"Histogram '{Name}': observation count {count} is negative.", nameof(count));
        }
        buckets[BucketIndex(value)].Inc(count);
        _sum!.Inc(value * count);
        _native?.Observe(value, count);
    }

    /// <summary>
    /// Adds observations that were already counted into this histogram's buckets elsewhere (for bridges from other
    /// metrics libraries): <paramref name="bucketCounts"/> per bucket, not cumulative, aligned with
    /// <see cref="UpperBounds"/>, and the <paramref name="sum"/> of those observations.
    /// </summary>
    /// <exception cref="InvalidMetricValueException">The counts do not match the buckets or one is negative.</exception>
    internal void AddBucketCounts(IReadOnlyList<long> bucketCounts, double sum)
    {
        var buckets = _buckets ?? throw Unobservable();
        ArgumentNullException.ThrowIfNull(bucketCounts);
        if (bucketCounts.Count != buckets.Length || bucketCounts.Any(c => c < 0))
        {
            throw new InvalidMetricValueException(
                $"Histogram '{Name}': {bucketCounts.Count} bucket counts given for {buckets.Length} buckets, or a count is negative.", nameof(bucketCounts));
        }
        for (var i = 0; i < buckets.Length; i++)
        {
            if (bucketCounts[i] != 0)
            {
                buckets[i].Inc(bucketCounts[i]);
            }
        }
        _sum!.Inc(sum);
    }

    private int BucketIndex(double value)
    {
        var bounds = _bounds;
        // The last bound is +Inf, so the search always ends; NaN compares false everywhere and lands in +Inf.
        if (bounds.Length <= 8)
        {
            // Few bounds: a linear scan beats the branches of a binary search.
            var i = 0;
            while (i < bounds.Length - 1 && !(value <= bounds[i]))
            {
                i++;
            }
            return i;
        }
        var low = 0;
        var high = bounds.Length - 1;
        while (low < high)
        {
            var middle = (low + high) >> 1;
            if (value <= bounds[middle])
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }
        return low;
    }

    /// <summary>The sum of observations as this process sees it.</summary>
    public double GetSum() => (_sum ?? throw Unobservable()).Get();

    /// <summary>The number of observations as this process sees it.</summary>
    public double GetCount() => (_buckets ?? throw Unobservable()).Sum(b => b.Get());

    /// <summary>Observations per bucket (not cumulative), aligned with <see cref="UpperBounds"/>.</summary>
    public IReadOnlyList<double> GetBucketCounts() => (_buckets ?? throw Unobservable()).Select(b => b.Get()).ToArray();

    /// <summary>Starts a timer that observes the elapsed seconds when disposed.</summary>
    public TimerScope Time()
    {
        _ = _buckets ?? throw Unobservable();
        return new TimerScope(this);
    }

    void IDurationObserver.ObserveDuration(double seconds) => Observe(seconds);

    private protected override Histogram CreateView(string?[] explicitLabelValues) => new(Family, explicitLabelValues);

    private protected override void CreateStores(Func<int, IValueStore> create)
    {
        var count = Family.UpperBounds.Count;
        var buckets = new IValueStore[count];
        for (var i = 0; i < count; i++)
        {
            buckets[i] = create(i);
        }
        _sum = create(Family.SumIndex);
        _bounds = [.. Family.UpperBounds];
        _buckets = buckets;
        _zero = Family.NativeHistogram is null ? null : create(Family.NativeZeroIndex);
    }

    private protected override void CreateLateStores(Func<NativeBucket, IValueStore> create)
    {
        if (Family.NativeHistogram is { } options)
        {
            _native = new NativeSeries(options, _zero!, create);
        }
    }

    /// <summary>The series' native buckets (of every schema it used) as this process sees them; null without native buckets.</summary>
    internal NativeBucketCount[]? ReadNativeBuckets() => _native?.Read();

    /// <summary>Adds the series' native buckets (of every schema it used) to <paramref name="into"/>, as this process sees them.</summary>
    internal void ReadNativeBuckets(NativeBuckets into) => _native?.ReadInto(into);

    /// <summary>The schema this series counts new observations at (lowered from the configured one when it outgrew its limit).</summary>
    internal int? NativeSchemaInUse => _native?.Schema;

    private protected override void ShareStores(Metric owner)
    {
        var histogram = (Histogram)owner;
        _sum = histogram._sum;
        _bounds = histogram._bounds;
        _buckets = histogram._buckets;
        _zero = histogram._zero;
        _native = histogram._native;
    }

    internal override void ReadValues(Span<double> values)
    {
        var buckets = _buckets!;
        for (var i = 0; i < buckets.Length; i++)
        {
            values[i] = buckets[i].Get();
        }
        values[buckets.Length] = _sum!.Get();
        if (_zero is not null)
        {
            values[buckets.Length + 1] = _zero.Get();
        }
    }
}
