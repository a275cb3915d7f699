using Pytheus.Metrics;

namespace Pytheus.Exposition;

/// <summary>Writes collected metrics in the Prometheus text format 0.0.4.</summary>
public static class TextFormat
{
    /// <summary>The content type of the format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Writes every family: HELP, TYPE, then its samples.</summary>
    public static void Write(TextWriter writer, IEnumerable<MetricSnapshot> metrics)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(metrics);
        foreach (var metric in metrics)
        {
            WriteFamily(writer, metric);
        }
    }

    internal static void WriteFamily(TextWriter writer, MetricSnapshot metric)
    {
        var family = metric.Family;
        writer.Write("# HELP ");
        writer.Write(metric.Name);
        writer.Write(' ');
        WriteEscaped(writer, family.Help, escapeQuote: false);
        writer.Write("\n# TYPE ");
        writer.Write(metric.Name);
        writer.Write(' ');
        writer.Write(TypeName(family.Type));
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
                        WriteSample(writer, metric.Name, "_bucket", names, series.LabelValues, family.UpperBounds[i], cumulative);
                    }
                    WriteSample(writer, metric.Name, "_sum", names, series.LabelValues, null, values[family.SumIndex]);
                    WriteSample(writer, metric.Name, "_count", names, series.LabelValues, null, cumulative);
                    break;
                case MetricType.Summary:
                    WriteSample(writer, metric.Name, "_sum", names, series.LabelValues, null, values[0]);
                    WriteSample(writer, metric.Name, "_count", names, series.LabelValues, null, values[1]);
                    break;
                default:
                    WriteSample(writer, metric.Name, string.Empty, names, series.LabelValues, null, values[0]);
                    break;
            }
        }
    }

    internal static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        MetricType.Histogram => "histogram",
        MetricType.Summary => "summary",
        _ => "untyped",
    };

    internal static void WriteSample(
        TextWriter writer, string name, string suffix, IReadOnlyList<string> labelNames, IReadOnlyList<string> labelValues,
        double? le, double value)
    {
        writer.Write(name);
        writer.Write(suffix);
        WriteLabels(writer, labelNames, labelValues, le);
        writer.Write(' ');
        WriteDouble(writer, value);
        writer.Write('\n');
    }

    internal static void WriteLabels(TextWriter writer, IReadOnlyList<string> labelNames, IReadOnlyList<string> labelValues, double? le)
    {
        if (labelNames.Count == 0 && le is null)
        {
            return;
        }
        writer.Write('{');
        for (var i = 0; i < labelNames.Count; i++)
        {
            if (i > 0)
            {
                writer.Write(',');
            }
            writer.Write(labelNames[i]);
            writer.Write("=\"");
            WriteEscaped(writer, labelValues[i], escapeQuote: true);
            writer.Write('"');
        }
        if (le is { } bound)
        {
            writer.Write(labelNames.Count > 0 ? ",le=\"" : "le=\"");
            WriteDouble(writer, bound);
            writer.Write('"');
        }
        writer.Write('}');
    }

    internal static void WriteDouble(TextWriter writer, double value)
    {
        Span<char> buffer = stackalloc char[PrometheusFloat.MaxLength];
        writer.Write(buffer[..PrometheusFloat.Format(value, buffer)]);
    }

    /// <summary>Escapes <c>\</c> and newline (and <c>"</c> in label values), writing unchanged runs in one call.</summary>
    internal static void WriteEscaped(TextWriter writer, string text, bool escapeQuote)
    {
        var span = text.AsSpan();
        while (true)
        {
            var next = escapeQuote ? span.IndexOfAny('\\', '\n', '"') : span.IndexOfAny('\\', '\n');
            if (next < 0)
            {
                writer.Write(span);
                return;
            }
            writer.Write(span[..next]);
            writer.Write(span[next] switch { '\\' => "\\\\", '\n' => "\\n", _ => "\\\"" });
            span = span[(next + 1)..];
        }
    }
}
