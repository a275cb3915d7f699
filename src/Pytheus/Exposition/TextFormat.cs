using System.Text;
using Pytheus.Internal;
using Pytheus.Labels;
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
        writer.Write(Render(metrics, ExpositionFormat.PrometheusText));
    }

    /// <summary>Renders metrics in either format to a string.</summary>
    internal static string Render(IEnumerable<MetricSnapshot> metrics, ExpositionFormat format)
    {
        using var utf8 = new Utf8TextWriter(64 * 1024);
        string? previous = null;
        foreach (var metric in metrics)
        {
            if (metric.Name != previous)
            {
                WriteHeader(utf8, metric, format);
            }
            previous = metric.Name;
            WriteSeries(utf8, metric, format, 0, int.MaxValue);
        }
        WriteEnd(utf8, format);
        return Encoding.UTF8.GetString(utf8.WrittenSpan);
    }

    /// <summary>Writes a family's header lines in the given format.</summary>
    internal static void WriteHeader(Utf8TextWriter writer, MetricSnapshot metric, ExpositionFormat format)
    {
        if (format == ExpositionFormat.OpenMetrics)
        {
            OpenMetricsFormat.WriteHeader(writer, metric);
        }
        else
        {
            WriteHeader(writer, metric);
        }
    }

    /// <summary>Writes what closes the text: <c># EOF</c> in OpenMetrics, nothing in the Prometheus text format.</summary>
    internal static void WriteEnd(Utf8TextWriter writer, ExpositionFormat format)
    {
        if (format == ExpositionFormat.OpenMetrics)
        {
            writer.Write("# EOF\n"u8);
        }
    }

    /// <summary>Writes a family's <c># HELP</c> and <c># TYPE</c> lines in UTF-8.</summary>
    internal static void WriteHeader(Utf8TextWriter writer, MetricSnapshot metric)
    {
        writer.Write("# HELP "u8);
        writer.Write(metric.Name);
        writer.Write((byte)' ');
        writer.WriteEscaped(metric.Definition.Help, escapeQuote: false);
        writer.Write("\n# TYPE "u8);
        writer.Write(metric.Name);
        writer.Write((byte)' ');
        writer.Write(TypeName(metric.Definition.Type));
        writer.Write((byte)'\n');
    }

    /// <summary>
    /// Writes a family's series in UTF-8 from <paramref name="index"/> on, stopping once the writer holds at least
    /// <paramref name="stopAtLength"/> bytes (so that a caller can drain it); returns the index of the next series.
    /// Locally collected series are written from their children's cached label text and the collected values.
    /// </summary>
    internal static int WriteSeries(Utf8TextWriter writer, MetricSnapshot metric, ExpositionFormat format, int index, int stopAtLength)
    {
        var family = metric.Definition;
        var name = Encoding.UTF8.GetBytes(metric.Name);
        var bounds = family.Type == MetricType.Histogram ? RenderBounds(metric.BucketLabels ?? BoundLabels(family.UpperBounds, format))
            : family.Quantiles is { } quantiles ? RenderBounds(metric.BucketLabels ?? BoundLabels(quantiles.Objectives, format))
            : null;
        if (metric.Series is LocalSeries local)
        {
            Span<double> current = stackalloc double[local.Stride];
            for (; index < local.Count && writer.Length < stopAtLength; index++)
            {
                local.ReadValues(index, current);
                WriteSamples(writer, name, family, local.Children[index].ExpositionLabels, current, bounds,
                    Exemplars(format, local.Children[index], null));
            }
            return index;
        }

        var series = metric.Series;
        using var labels = new Utf8TextWriter(256);
        var values = new double[family.ValueLayout.Count];
        for (; index < series.Count && writer.Length < stopAtLength; index++)
        {
            var one = series[index];
            labels.Clear();
            LabelText.WriteOpen(labels, family.ExpositionLabelNames, one.LabelValues);
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = one.Values[i];
            }
            WriteSamples(writer, name, family, labels.WrittenSpan, values, bounds, Exemplars(format, null, one.Exemplars));
        }
        return index;
    }

    /// <summary>
    /// The <c>le</c> (or <c>quantile</c>) values of <paramref name="bounds"/>: as Prometheus prints floats in the text format (<c>1</c>), and in
    /// OpenMetrics as its canonical numbers, which must read as floats (<c>1.0</c>, <c>0.5</c>, <c>1e+06</c>, <c>+Inf</c>).
    /// </summary>
    internal static string[] BoundLabels(IReadOnlyList<double> bounds, ExpositionFormat format)
    {
        var labels = new string[bounds.Count];
        for (var i = 0; i < labels.Length; i++)
        {
            var text = PrometheusFloat.Format(bounds[i]);
            labels[i] = format == ExpositionFormat.OpenMetrics && double.IsFinite(bounds[i]) && text.AsSpan().IndexOfAny('.', 'e') < 0 ? text + ".0" : text;
        }
        return labels;
    }

    private static byte[][] RenderBounds(IReadOnlyList<string> labels)
    {
        var rendered = new byte[labels.Count][];
        for (var i = 0; i < rendered.Length; i++)
        {
            rendered[i] = Encoding.UTF8.GetBytes(labels[i]);
        }
        return rendered;
    }

    private static void WriteSamples(
        Utf8TextWriter writer, byte[] name, MetricDefinition family, ReadOnlySpan<byte> labels, ReadOnlySpan<double> values, byte[][]? bounds,
        SeriesExemplars exemplars)
    {
        switch (family.Type)
        {
            case MetricType.Histogram:
                var cumulative = 0.0;
                for (var i = 0; i < bounds!.Length; i++)
                {
                    cumulative += values[i];
                    writer.Write(name);
                    if (labels.Length > 0)
                    {
                        writer.Write("_bucket"u8);
                        writer.Write(labels);
                        writer.Write(",le=\""u8);
                    }
                    else
                    {
                        writer.Write("_bucket{le=\""u8);
                    }
                    writer.Write(bounds[i]);
                    writer.Write("\"} "u8);
                    writer.WriteDouble(cumulative);
                    WriteExemplar(writer, exemplars.At(i));
                    writer.Write((byte)'\n');
                }
                WriteSample(writer, name, "_sum"u8, labels, values[family.SumIndex]);
                WriteSample(writer, name, "_count"u8, labels, cumulative);
                break;
            case MetricType.Summary:
                WriteSample(writer, name, "_sum"u8, labels, values[0]);
                WriteSample(writer, name, "_count"u8, labels, values[1]);
                // After sum and count, as prometheus-net writes them (the order inside a family carries no meaning).
                for (var i = 0; bounds is not null && i < bounds.Length; i++)
                {
                    writer.Write(name);
                    writer.Write(labels.Length > 0 ? labels : "{"u8);
                    writer.Write(labels.Length > 0 ? ",quantile=\""u8 : "quantile=\""u8);
                    writer.Write(bounds[i]);
                    writer.Write("\"} "u8);
                    writer.WriteDouble(values[2 + i]);
                    writer.Write((byte)'\n');
                }
                break;
            case MetricType.Counter:
                WriteSample(writer, name, default, labels, values[0], exemplars.At(0));
                break;
            default:
                WriteSample(writer, name, default, labels, values[0]);
                break;
        }
    }

    /// <summary>Writes <c> # {labels} value timestamp</c> (OpenMetrics; nothing without an exemplar).</summary>
    private static void WriteExemplar(Utf8TextWriter writer, Backends.ExemplarSample? sample)
    {
        if (sample is null)
        {
            return;
        }
        writer.Write(" # {"u8);
        var labels = sample.Exemplar.Labels;
        for (var i = 0; i < labels.Count; i++)
        {
            if (i > 0)
            {
                writer.Write((byte)',');
            }
            writer.Write(labels[i].Key);
            writer.Write("=\""u8);
            writer.WriteEscaped(labels[i].Value, escapeQuote: true);
            writer.Write((byte)'"');
        }
        writer.Write("} "u8);
        writer.WriteDouble(sample.Value);
        writer.Write((byte)' ');
        // Seconds with milliseconds, never in exponent form (1796205605.123), as prometheus-net writes them.
        writer.Write(sample.Timestamp.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A series' exemplars as written in <paramref name="format"/>: none outside OpenMetrics.</summary>
    private static SeriesExemplars Exemplars(ExpositionFormat format, Metric? child, IReadOnlyList<Backends.ExemplarSample?>? collected) =>
        format == ExpositionFormat.OpenMetrics ? new SeriesExemplars(child, collected) : default;

    private static void WriteSample(
        Utf8TextWriter writer, byte[] name, ReadOnlySpan<byte> suffix, ReadOnlySpan<byte> labels, double value, Backends.ExemplarSample? exemplar = null)
    {
        writer.Write(name);
        writer.Write(suffix);
        if (labels.Length > 0)
        {
            writer.Write(labels);
            writer.Write((byte)'}');
        }
        writer.Write((byte)' ');
        writer.WriteDouble(value);
        WriteExemplar(writer, exemplar);
        writer.Write((byte)'\n');
    }

    internal static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        MetricType.Histogram => "histogram",
        MetricType.Summary => "summary",
        _ => "untyped",
    };
}
