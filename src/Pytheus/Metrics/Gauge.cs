using Pytheus.Backends;
using Pytheus.Registry;

namespace Pytheus.Metrics;

/// <summary>A value that goes up and down: queue length, requests in progress, temperature.</summary>
public sealed class Gauge : Metric<Gauge>, IDurationObserver
{
    private IValueStore? _value;

    /// <summary>Creates a gauge and registers it (in <see cref="CollectorRegistry.Default"/> unless told otherwise).</summary>
    /// <param name="name">The metric name, <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</param>
    /// <param name="description">The help text.</param>
    /// <param name="requiredLabels">Label names every series must have a value for.</param>
    /// <param name="defaultLabels">Values used for required labels not given explicitly.</param>
    /// <param name="registry">Where to register; null means <see cref="CollectorRegistry.Default"/>, <see cref="CollectorRegistry.None"/> means nowhere.</param>
    /// <param name="backend">Where the values live; null means <see cref="Backends.Backend.Current"/>.</param>
    /// <param name="seriesLimit">The most label sets kept; past it new label sets write to one overflow series whose labels are all <see cref="MetricFamily.OverflowLabelValue"/> (see <see cref="MetricFamily.SeriesLimit"/>).</param>
    /// <param name="mode">How the values of many processes are shown (default <see cref="GaugeMode.LiveSum"/>); see <see cref="GaugeMode"/>.</param>
    public Gauge(
        string name, string description, IEnumerable<string>? requiredLabels = null,
        IReadOnlyDictionary<string, string>? defaultLabels = null, CollectorRegistry? registry = null, IBackend? backend = null,
        int seriesLimit = MetricFamily.DefaultSeriesLimit, GaugeMode mode = GaugeMode.LiveSum)
        : base(MetricType.Gauge, name, description, requiredLabels, defaultLabels, null, registry, mode.HasWriterLabel() ? GaugeModes.WriterLabel : null, backend, seriesLimit, mode)
    {
    }

    private Gauge(MetricFamily family, string?[] explicitLabelValues) : base(family, explicitLabelValues)
    {
    }

    /// <summary>Adds <paramref name="amount"/> (default 1; may be negative).</summary>
    public void Inc(double amount = 1) => Store.Inc(amount);

    /// <summary>Subtracts <paramref name="amount"/> (default 1).</summary>
    public void Dec(double amount = 1) => Store.Dec(amount);

    /// <summary>Sets the value.</summary>
    public void Set(double value) => Store.Set(value);

    /// <summary>Sets the value to the current Unix time in seconds.</summary>
    public void SetToCurrentTime() => Set(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);

    /// <summary>The current value as this process sees it.</summary>
    public double Get() => Store.Get();

    /// <summary>Increments now and decrements when the scope is disposed (also on exceptions).</summary>
    public InProgressScope TrackInProgress()
    {
        _ = Store;
        return new InProgressScope(this);
    }

    /// <summary>Runs <paramref name="action"/> while tracked as in progress.</summary>
    public void TrackInProgress(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        using var scope = TrackInProgress();
        action();
    }

    /// <summary>Runs <paramref name="func"/> while tracked as in progress and returns its result.</summary>
    public T TrackInProgress<T>(Func<T> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using var scope = TrackInProgress();
        return func();
    }

    /// <summary>Awaits <paramref name="func"/> while tracked as in progress.</summary>
    public async Task TrackInProgressAsync(Func<Task> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using var scope = TrackInProgress();
        await func().ConfigureAwait(false);
    }

    /// <summary>Awaits <paramref name="func"/> while tracked as in progress and returns its result.</summary>
    public async Task<T> TrackInProgressAsync<T>(Func<Task<T>> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using var scope = TrackInProgress();
        return await func().ConfigureAwait(false);
    }

    /// <summary>Starts a timer that sets the gauge to the elapsed seconds when disposed.</summary>
    public TimerScope Time()
    {
        _ = Store;
        return new TimerScope(this);
    }

    void IDurationObserver.ObserveDuration(double seconds) => Set(seconds);

    private IValueStore Store => _value ?? throw Unobservable();

    private protected override Gauge CreateView(string?[] explicitLabelValues) => new(Family, explicitLabelValues);

    private protected override void CreateStores(Func<int, IValueStore> create) => _value = create(0);

    private protected override void ShareStores(Metric owner) => _value = ((Gauge)owner)._value;

    internal override void ReadValues(Span<double> values) => values[0] = _value!.Get();
}
