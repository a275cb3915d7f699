using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Pytheus.Backends;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.AspNetCore;

/// <summary>
/// Exports one instrument: creates its Pytheus metric on the first measurement (its label set is that measurement's tag
/// keys, sorted) and applies each measurement to the series of its tag values.
/// </summary>
internal sealed class MeterInstrumentExporter
{
    private readonly Instrument _instrument;
    private readonly PytheusMeterBridge _bridge;
    private readonly Kind _kind;
    private readonly double _scale;
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<string, byte> _droppedTags = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double> _lastCumulative = new(StringComparer.Ordinal);
    private volatile bool _rejected;
    private string[]? _tagKeys;
    private Metric? _metric;

    public MeterInstrumentExporter(Instrument instrument, PytheusMeterBridge bridge)
    {
        _instrument = instrument;
        _bridge = bridge;
        _kind = KindOf(instrument);
        _scale = PrometheusNaming.UnitScale(instrument.Unit);
    }

    private enum Kind
    {
        Counter,
        UpDownCounter,
        Histogram,
        ObservableCounter,
        ObservableGauge,
    }

    public static bool IsSupported(Instrument instrument) =>
        instrument.GetType().IsGenericType && KindOrNull(instrument.GetType().GetGenericTypeDefinition()) is not null;

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_rejected || !double.IsFinite(value) && _kind != Kind.Histogram)
        {
            return;
        }
        value *= _scale;
        var metric = _metric ?? Create(tags);
        if (metric is null)
        {
            return;
        }
        var keys = _tagKeys!;
        var values = LabelValues(keys, tags);
        switch (_kind)
        {
            case Kind.Counter when value >= 0:
                ((Counter)metric).WithLabelValues(values).Inc(value);
                break;
            case Kind.UpDownCounter:
                ((Gauge)metric).WithLabelValues(values).Inc(value);
                break;
            case Kind.Histogram:
                ((Histogram)metric).WithLabelValues(values).Observe(value);
                break;
            case Kind.ObservableGauge:
                ((Gauge)metric).WithLabelValues(values).Set(value);
                break;
            case Kind.ObservableCounter:
                // Observable counters report running totals; a Pytheus counter takes increments, which a shared
                // backend sums across processes.
                var key = string.Join('\u0001', values);
                lock (_gate)
                {
                    var delta = _lastCumulative.TryGetValue(key, out var last) && value >= last ? value - last : value;
                    _lastCumulative[key] = value;
                    if (delta > 0)
                    {
                        ((Counter)metric).WithLabelValues(values).Inc(delta);
                    }
                }
                break;
        }
    }

    private string[] LabelValues(string[] keys, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var values = new string[keys.Length];
        foreach (var tag in tags)
        {
            var index = Array.IndexOf(keys, tag.Key);
            if (index >= 0)
            {
                values[index] = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty;
            }
            else if (_droppedTags.TryAdd(tag.Key, 0))
            {
                Log.MeterTagDropped(_bridge.Logger, _instrument.Meter.Name, _instrument.Name, tag.Key);
            }
        }
        for (var i = 0; i < values.Length; i++)
        {
            values[i] ??= string.Empty;
        }
        return values;
    }

    private Metric? Create(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var keys = new string[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            keys[i] = tags[i].Key;
        }
        keys = keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        lock (_gate)
        {
            if (_metric is not null || _rejected)
            {
                return _metric;
            }
            var name = PrometheusNaming.MetricName(_instrument);
            try
            {
                var labels = keys.Select(PrometheusNaming.LabelName).ToArray();
                var help = string.IsNullOrEmpty(_instrument.Description) ? $"{_instrument.Meter.Name} {_instrument.Name}" : _instrument.Description;
                var registry = _bridge.Registry;
                var backend = _bridge.Backend;
                Metric metric = _kind switch
                {
                    Kind.Counter or Kind.ObservableCounter => new Counter(name, help, labels, registry: registry, backend: backend),
                    Kind.Histogram => new Histogram(name, help, labels, buckets: _bridge.BucketsFor(_instrument), registry: registry, backend: backend),
                    _ => new Gauge(name, help, labels, registry: registry, backend: backend),
                };
                _tagKeys = keys;
                _metric = metric;
                Log.MeterInstrumentExported(_bridge.Logger, _instrument.Meter.Name, _instrument.Name, name, metric.Type.ToString());
                return metric;
            }
            catch (PytheusException e)
            {
                _rejected = true;
                Log.MeterInstrumentRejected(_bridge.Logger, e, _instrument.Meter.Name, _instrument.Name, name);
                return null;
            }
        }
    }

    private static Kind KindOf(Instrument instrument) => KindOrNull(instrument.GetType().GetGenericTypeDefinition())!.Value;

    private static Kind? KindOrNull(Type definition) =>
        definition == typeof(Counter<>) ? Kind.Counter
        : definition == typeof(UpDownCounter<>) ? Kind.UpDownCounter
        : definition == typeof(Histogram<>) ? Kind.Histogram
        : definition == typeof(ObservableCounter<>) ? Kind.ObservableCounter
        : definition == typeof(ObservableGauge<>) || definition == typeof(ObservableUpDownCounter<>) ? Kind.ObservableGauge
        : null;
}
