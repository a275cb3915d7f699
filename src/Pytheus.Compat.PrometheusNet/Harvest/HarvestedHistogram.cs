using Prometheus;
using Pytheus.Compat.PrometheusNet.Binding;
using PyHistogram = Pytheus.Metrics.Histogram;
using PyMetric = Pytheus.Metrics.Metric;

namespace Pytheus.Compat.PrometheusNet.Harvest;

/// <summary>
/// A histogram child: prometheus-net counts each bucket (not cumulative) in a 64-bit integer and keeps the sum as a
/// double; the changes of each are taken separately, so the bucket counts are exact and the sum exact to a double's rounding.
/// </summary>
internal sealed class HarvestedHistogram : HarvestedChild
{
    private readonly PrometheusNetInternals _internals;
    private readonly Histogram.Child _child;
    private readonly long[] _harvested;
    private readonly long[] _changes;
    private double _harvestedSum;

    public HarvestedHistogram(PrometheusNetInternals internals, Histogram.Child child, string key) : base(child, key)
    {
        _internals = internals;
        _child = child;
        _harvested = new long[internals.HistogramBucketCount(child)];
        _changes = new long[_harvested.Length];
    }

    public override void Harvest(PyMetric series, long restoreShownBefore)
    {
        var any = false;
        for (var i = 0; i < _harvested.Length; i++)
        {
            var count = Volatile.Read(ref _internals.HistogramBucket(_child, i));
            _changes[i] = Math.Max(count - _harvested[i], 0);
            _harvested[i] = count;
            any |= _changes[i] != 0;
        }
        var sum = StoredDouble.Read(ref _internals.HistogramSum(_child, 0));
        var sumChange = StoredDouble.Change(sum, _harvestedSum);
        _harvestedSum = sum;
        if (any || sumChange != 0)
        {
            ((PyHistogram)series).AddBucketCounts(_changes, sumChange);
        }
    }

    public override void Release(PyMetric series)
    {
        var any = false;
        for (var i = 0; i < _harvested.Length; i++)
        {
            _changes[i] = Interlocked.Exchange(ref _internals.HistogramBucket(_child, i), 0) - _harvested[i];
            _harvested[i] = 0;
            any |= _changes[i] != 0;
        }
        var sumChange = StoredDouble.Take(ref _internals.HistogramSum(_child, 0), ref _harvestedSum);
        if (any || sumChange != 0)
        {
            ((PyHistogram)series).AddBucketCounts(_changes.Select(c => Math.Max(c, 0)).ToArray(), sumChange);
        }
    }

    public override void Show(PyMetric series, IReadOnlyList<double> shared)
    {
        for (var i = 0; i < _harvested.Length; i++)
        {
            // An atomic add keeps the observations made since the harvest on top of the shared count.
            var target = (long)shared[i];
            Interlocked.Add(ref _internals.HistogramBucket(_child, i), target - _harvested[i]);
            _harvested[i] = target;
        }
        var sumChange = StoredDouble.ReplaceWithShared(ref _internals.HistogramSum(_child, 0), ref _harvestedSum, shared[_harvested.Length]);
        if (sumChange != 0)
        {
            // Its observations are still in the buckets, taken at the next harvest.
            Array.Clear(_changes);
            ((PyHistogram)series).AddBucketCounts(_changes, sumChange);
        }
    }
}
