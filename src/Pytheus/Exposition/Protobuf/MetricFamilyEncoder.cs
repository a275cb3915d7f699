using Pytheus.Metrics;

namespace Pytheus.Exposition.Protobuf;

/// <summary>
/// Encodes families as delimited <c>io.prometheus.client.MetricFamily</c> messages (field numbers of Prometheus's
/// <c>metrics.proto</c>), each series as a <c>Metric</c> read straight from its stores (local series) or its snapshot
/// (collected ones). Values, native buckets and label names go through buffers kept for the whole scrape, so a series
/// costs no allocation; one encoder serves one scrape.
/// </summary>
internal sealed class MetricFamilyEncoder
{
    // MetricFamily
    private const int FamilyName = 1;
    private const int FamilyHelp = 2;
    private const int FamilyType = 3;
    private const int FamilyMetric = 4;

    // Metric: the label pairs, then the one value message its family's type calls for.
    private const int MetricLabel = 1;
    private const int MetricGauge = 2;
    private const int MetricCounter = 3;
    private const int MetricSummary = 4;
    private const int MetricUntyped = 5;
    private const int MetricHistogram = 7;

    // Gauge, Counter and Untyped: value 1; Counter: exemplar 2.
    private const int Value = 1;
    private const int CounterExemplar = 2;

    // Summary (count 1, sum 2, quantile 3) and Quantile (quantile 1, value 2).
    private const int SummaryCount = 1;
    private const int SummarySum = 2;
    private const int SummaryQuantile = 3;
    private const int QuantileQuantile = 1;
    private const int QuantileValue = 2;

    private readonly ProtobufWriter _output;
    private readonly HistogramEncoder _histograms;
    private double[] _values = new double[16];
    private IReadOnlyList<string>? _labelNamesOf;
    private byte[][] _labelNames = [];

    public MetricFamilyEncoder(ProtobufWriter output)
    {
        _output = output;
        _histograms = new HistogramEncoder(output);
    }

    /// <summary>One delimited MetricFamily: name, help and type of <c>metrics[start]</c>, and the series of <c>metrics[start..end)</c>.</summary>
    public void Write(IReadOnlyList<MetricSnapshot> metrics, int start, int end)
    {
        var first = metrics[start];
        var family = _output.BeginLength();
        _output.WriteString(FamilyName, first.Name);
        _output.WriteString(FamilyHelp, first.Definition.Help);
        _output.WriteUInt64(FamilyType, TypeNumber(first.Definition.Type));
        for (var i = start; i < end; i++)
        {
            WriteSeries(metrics[i]);
        }
        _output.EndMessage(family);
    }

    private void WriteSeries(MetricSnapshot metric)
    {
        var family = metric.Definition;
        PrepareLabelNames(family.ExpositionLabelNames);
        var stride = family.ValueLayout.Count;
        if (_values.Length < stride)
        {
            _values = new double[stride];
        }
        var values = _values.AsSpan(0, stride);
        var native = family.NativeHistogram is not null ? _histograms.Native : null;
        if (metric.Series is LocalSeries local)
        {
            for (var i = 0; i < local.Count; i++)
            {
                var child = local.Children[i];
                if (native is not null)
                {
                    // Native buckets first: read before the count, they never add up to more than it.
                    native.Clear();
                    (child as Histogram)?.ReadNativeBuckets(native);
                }
                local.ReadValues(i, values);
                WriteMetric(family, child.ExpositionLabelValues, values, new SeriesExemplars(child, null));
            }
            return;
        }
        foreach (var one in metric.Series)
        {
            if (native is not null)
            {
                native.Clear();
                native.AddAll(one.NativeBuckets ?? []);
            }
            for (var i = 0; i < stride; i++)
            {
                values[i] = one.Values[i];
            }
            WriteMetric(family, one.LabelValues, values, new SeriesExemplars(null, one.Exemplars));
        }
    }

    private void WriteMetric(MetricDefinition family, IReadOnlyList<string> labelValues, ReadOnlySpan<double> values, SeriesExemplars exemplars)
    {
        var metric = _output.BeginMessage(FamilyMetric);
        for (var i = 0; i < _labelNames.Length; i++)
        {
            var pair = _output.BeginMessage(MetricLabel);
            _output.WriteRaw(_labelNames[i]);
            _output.WriteString(ProtobufLabelPair.Value, labelValues[i]);
            _output.EndMessage(pair);
        }
        switch (family.Type)
        {
            case MetricType.Histogram:
                _histograms.Write(MetricHistogram, family, values, exemplars);
                break;
            case MetricType.Summary:
                WriteSummary(family, values);
                break;
            case MetricType.Counter:
                var counter = _output.BeginMessage(MetricCounter);
                _output.WriteDouble(Value, values[0]);
                if (exemplars.At(0) is { } exemplar)
                {
                    ProtobufExemplar.Write(_output, CounterExemplar, exemplar);
                }
                _output.EndMessage(counter);
                break;
            default:
                var message = _output.BeginMessage(family.Type == MetricType.Gauge ? MetricGauge : MetricUntyped);
                _output.WriteDouble(Value, values[0]);
                _output.EndMessage(message);
                break;
        }
        _output.EndMessage(metric);
    }

    /// <summary>Count and sum, then a Quantile message per objective.</summary>
    private void WriteSummary(MetricDefinition family, ReadOnlySpan<double> values)
    {
        var summary = _output.BeginMessage(MetricSummary);
        _output.WriteUInt64(SummaryCount, Count(values[1]));
        _output.WriteDouble(SummarySum, values[0]);
        var objectives = family.Objectives;
        for (var i = 0; i < objectives.Count; i++)
        {
            var quantile = _output.BeginMessage(SummaryQuantile);
            _output.WriteDouble(QuantileQuantile, objectives[i]);
            _output.WriteDouble(QuantileValue, values[2 + i]);
            _output.EndMessage(quantile);
        }
        _output.EndMessage(summary);
    }

    /// <summary>Encodes the label names' fields once per family (several snapshots of one family usually share the list).</summary>
    private void PrepareLabelNames(IReadOnlyList<string> names)
    {
        if (ReferenceEquals(names, _labelNamesOf))
        {
            return;
        }
        _labelNames = new byte[names.Count][];
        for (var i = 0; i < names.Count; i++)
        {
            _labelNames[i] = ProtobufWriter.EncodeString(ProtobufLabelPair.Name, names[i]);
        }
        _labelNamesOf = names;
    }

    /// <summary>Counts are whole and never negative; a NaN or negative one (a corrupted shared store) is written as 0.</summary>
    internal static ulong Count(double value) => value > 0 ? (ulong)value : 0;

    /// <summary>The MetricType enum of metrics.proto: COUNTER 0, GAUGE 1, SUMMARY 2, UNTYPED 3, HISTOGRAM 4.</summary>
    private static ulong TypeNumber(MetricType type) => type switch
    {
        MetricType.Counter => 0,
        MetricType.Gauge => 1,
        MetricType.Summary => 2,
        MetricType.Histogram => 4,
        _ => 3,
    };
}
