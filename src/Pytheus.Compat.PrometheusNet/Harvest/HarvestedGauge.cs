using System.Diagnostics;
using Prometheus;
using Pytheus.Compat.PrometheusNet.Binding;
using Pytheus.Metrics;
using PyGauge = Pytheus.Metrics.Gauge;
using PyMetric = Pytheus.Metrics.Metric;

namespace Pytheus.Compat.PrometheusNet.Harvest;

/// <summary>
/// A gauge child. prometheus-net's one stored number is this process's value, except while it shows the shared value
/// for an export; how a write is read depends on that and on the gauge's mode (docs/patchclient.md, "Gauges"):
/// <list type="bullet">
/// <item><see cref="GaugeMode.Shared"/>: one number for all processes, so the stored value is the shared one plus this
/// process's changes since the last harvest, moved as increments (like a counter's).</item>
/// <item>Per-writer modes: the stored value is this process's own value, written to the backend as such (exact for
/// <c>Set</c>, <c>Inc</c>, <c>Dec</c> alike). After an export shows the shared value, the next timed harvest puts the
/// own value back; a write in between is read as a change of the own value in the summing modes (right for
/// <c>Inc</c>/<c>Dec</c>) and as the new own value in the others (right for <c>Set</c>).</item>
/// <item><see cref="GaugeMode.All"/>/<see cref="GaugeMode.LiveAll"/>: a prometheus-net collector cannot take the
/// writer label, so nothing is shown: prometheus-net exports this process's own value.</item>
/// </list>
/// </summary>
internal sealed class HarvestedGauge(PrometheusNetInternals internals, Prometheus.Gauge.Child child, string key, bool createdForRemote) : HarvestedChild(child, key)
{
    private double _own;
    private bool _written = createdForRemote;
    private double? _shown;
    private long _shownAt;
    private double _harvested;

    public override void Harvest(PyMetric series, long restoreShownBefore)
    {
        var gauge = (PyGauge)series;
        ref var cell = ref internals.GaugeValue(child, 0);
        if (gauge.Family.GaugeMode == GaugeMode.Shared)
        {
            var value = StoredDouble.Read(ref cell);
            var change = StoredDouble.Change(value, _harvested);
            _harvested = value;
            if (change != 0)
            {
                gauge.Inc(change);
            }
            return;
        }

        var previous = _own;
        while (true)
        {
            var bits = Volatile.Read(ref cell);
            var expected = _shown ?? _own;
            if (bits == BitConverter.DoubleToInt64Bits(expected))
            {
                // Unchanged by the application: put its own value back once the export that showed the shared one is over.
                if (_shown is null || _shownAt >= restoreShownBefore)
                {
                    break;
                }
                if (Interlocked.CompareExchange(ref cell, BitConverter.DoubleToInt64Bits(_own), bits) == bits)
                {
                    _shown = null;
                    break;
                }
                continue;
            }
            var value = BitConverter.Int64BitsToDouble(bits);
            if (_shown is not { } shown)
            {
                _own = value;
                break;
            }
            var own = IsSumming(gauge.Family.GaugeMode) ? _own + StoredDouble.Change(value, shown) : value;
            if (Interlocked.CompareExchange(ref cell, BitConverter.DoubleToInt64Bits(own), bits) == bits)
            {
                (_own, _shown) = (own, null);
                break;
            }
        }
        if (!_written || BitConverter.DoubleToInt64Bits(_own) != BitConverter.DoubleToInt64Bits(previous))
        {
            gauge.Set(_own);
            _written = true;
        }
    }

    public override void Release(PyMetric series)
    {
        var gauge = (PyGauge)series;
        ref var cell = ref internals.GaugeValue(child, 0);
        var value = BitConverter.Int64BitsToDouble(Interlocked.Exchange(ref cell, 0));
        if (gauge.Family.GaugeMode == GaugeMode.Shared)
        {
            var change = StoredDouble.Change(value, _harvested);
            _harvested = 0;
            if (change != 0)
            {
                gauge.Inc(change);
            }
            return;
        }
        var own = value;
        if (_shown is { } shown)
        {
            own = BitConverter.DoubleToInt64Bits(value) == BitConverter.DoubleToInt64Bits(shown) ? _own
                : IsSumming(gauge.Family.GaugeMode) ? _own + StoredDouble.Change(value, shown) : value;
        }
        if (!_written || BitConverter.DoubleToInt64Bits(own) != BitConverter.DoubleToInt64Bits(_own))
        {
            gauge.Set(own);
        }
        // The backend keeps this process's value; prometheus-net's storage starts again from 0.
        (_own, _shown, _written) = (0, null, true);
    }

    public override void Show(PyMetric series, IReadOnlyList<double> shared)
    {
        var gauge = (PyGauge)series;
        ref var cell = ref internals.GaugeValue(child, 0);
        var mode = gauge.Family.GaugeMode;
        if (mode == GaugeMode.Shared)
        {
            var change = StoredDouble.ReplaceWithShared(ref cell, ref _harvested, shared[0]);
            if (change != 0)
            {
                gauge.Inc(change);
            }
            return;
        }
        if (mode.HasWriterLabel())
        {
            return;
        }
        // Only from the value the last harvest left: a write since then is this process's and is harvested next time.
        var expected = BitConverter.DoubleToInt64Bits(_shown ?? _own);
        if (Interlocked.CompareExchange(ref cell, BitConverter.DoubleToInt64Bits(shared[0]), expected) == expected)
        {
            _shown = shared[0];
            _shownAt = Stopwatch.GetTimestamp();
        }
    }

    private static bool IsSumming(GaugeMode mode) => mode is GaugeMode.LiveSum or GaugeMode.Sum;
}
