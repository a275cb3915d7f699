using Pytheus.Backends;

namespace Pytheus.Metrics.Quantiles;

/// <summary>
/// A series' quantile sketch: a ring of <see cref="QuantileSettings.AgeBuckets"/> windows, each a set of bucket counts
/// kept in the backend's stores (so a backend shared by many processes adds every writer's counts). Recording finds the
/// current window and the bucket's store without a lock or an allocation once both exist; a new window or bucket is
/// created under a lock, and a window that left the ring is simply dropped (its stores expire in the backend).
/// </summary>
internal sealed class QuantileSketch
{
    private readonly object _gate = new();
    private readonly QuantileSettings _settings;
    private readonly MetricFamily _family;
    private readonly Func<SketchBucket, IValueStore> _create;
    private readonly SketchWindow?[] _ring;

    public QuantileSketch(MetricFamily family, QuantileSettings settings, Func<SketchBucket, IValueStore> create)
    {
        _family = family;
        _settings = settings;
        _create = create;
        _ring = new SketchWindow?[settings.AgeBuckets];
    }

    /// <summary>Counts one observation (not NaN) in the current window.</summary>
    public void Observe(double value, long count)
    {
        var index = _settings.WindowOf(_family.Clock.GetUtcNow());
        var window = Volatile.Read(ref _ring[SlotOf(index)]);
        if (window is null || window.Index != index)
        {
            window = Window(index);
        }
        var id = LogBuckets.Id(value);
        (window.Find(id) ?? Bucket(window, id)).Inc(count);
    }

    /// <summary>Estimates the objectives from this process's windows that still count (NaN when none holds anything).</summary>
    public void Estimate(Span<double> destination) => SketchQuery.Estimate(LocalCounts(), _settings.Objectives, destination);

    /// <summary>Estimates any quantile from this process's windows that still count.</summary>
    public double Estimate(double quantile)
    {
        Span<double> result = stackalloc double[1];
        SketchQuery.Estimate(LocalCounts(), [quantile], result);
        return result[0];
    }

    private Dictionary<int, double> LocalCounts()
    {
        var current = _settings.WindowOf(_family.Clock.GetUtcNow());
        var counts = new Dictionary<int, double>();
        for (var i = 0; i < _ring.Length; i++)
        {
            if (Volatile.Read(ref _ring[i]) is { } window && _settings.Counts(window.Index, current))
            {
                window.AddCountsTo(counts);
            }
        }
        return counts;
    }

    private SketchWindow Window(long index)
    {
        lock (_gate)
        {
            var slot = SlotOf(index);
            var window = _ring[slot];
            if (window is not null && window.Index >= index)
            {
                // A thread stamped its observation a whole MaxAge ago and was held up since: it counts in the newer window.
                return window;
            }
            window = new SketchWindow(index);
            Volatile.Write(ref _ring[slot], window);
            return window;
        }
    }

    private int SlotOf(long window) => (int)(((window % _ring.Length) + _ring.Length) % _ring.Length);

    private IValueStore Bucket(SketchWindow window, int id)
    {
        lock (_gate)
        {
            if (window.Find(id) is { } raced)
            {
                return raced;
            }
            var store = _create(new SketchBucket(window.Index, id));
            window.Add(id, store);
            return store;
        }
    }
}
