using Pytheus.Metrics;

namespace Pytheus.Exposition;

/// <summary>
/// Writes collected metrics in the OpenMetrics 1.0 text format, which Prometheus servers ask for first: counter
/// families are named without <c>_total</c> and their samples carry it (a counter not named <c>*_total</c> is typed
/// <c>unknown</c>), HELP escapes quotes too, and the text ends
/// with <c># EOF</c>.
/// </summary>
public static class OpenMetricsFormat
{
    /// <summary>The content type of the format.</summary>
    public const string ContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /// <summary>Writes every family and the closing <c># EOF</c>.</summary>
    public static void Write(TextWriter writer, IEnumerable<MetricSnapshot> metrics)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(metrics);
        foreach (var metric in metrics)
        {
            WriteFamily(writer, metric);
        }
        WriteEnd(writer);
    }

    internal static void WriteEnd(TextWriter writer) => writer.Write("# EOF\n");

    internal static void WriteFamily(TextWriter writer, MetricSnapshot metric)
    {
        var family = metric.Family;
        // OpenMetrics counters must be sampled as <family>_total. A counter whose name lacks the suffix is typed
        // "unknown" instead, so that its series keeps the same name in both formats (as prometheus-net does).
        var isCounter = family.Type == MetricType.Counter && metric.Name.EndsWith("_total", StringComparison.Ordinal);
        var familyName = isCounter ? metric.Name[..^"_total".Length] : metric.Name;
        writer.Write("# TYPE ");
        writer.Write(familyName);
        writer.Write(' ');
        writer.Write(family.Type is MetricType.Untyped || (family.Type == MetricType.Counter && !isCounter)
            ? "unknown"
            : TextFormat.TypeName(family.Type));
        writer.Write("\n# HELP ");
        writer.Write(familyName);
        writer.Write(' ');
        TextFormat.WriteEscaped(writer, family.Help, escapeQuote: true);
        writer.Write('\n');

        var names = family.LabelNames;
        foreach (var series in metric.Series)
        {
            var values = series.Values;
            switch (family.Type)
            {
                case MetricType.Histogram:
                    var cumulative = 0.0;
                    for (var i = 0; i < family.UpperBounds.Count; i++)
                    {
                        cumulative += values[i];
                        TextFormat.WriteSample(writer, familyName, "_bucket", names, series.LabelValues, family.UpperBounds[i], cumulative);
                    }
                    TextFormat.WriteSample(writer, familyName, "_count", names, series.LabelValues, null, cumulative);
                    TextFormat.WriteSample(writer, familyName, "_sum", names, series.LabelValues, null, values[family.SumIndex]);
                    break;
                case MetricType.Summary:
                    TextFormat.WriteSample(writer, familyName, "_count", names, series.LabelValues, null, values[1]);
                    TextFormat.WriteSample(writer, familyName, "_sum", names, series.LabelValues, null, values[0]);
                    break;
                case MetricType.Counter when isCounter:
                    TextFormat.WriteSample(writer, familyName, "_total", names, series.LabelValues, null, values[0]);
                    break;
                default:
                    TextFormat.WriteSample(writer, familyName, string.Empty, names, series.LabelValues, null, values[0]);
                    break;
            }
        }
    }
}
