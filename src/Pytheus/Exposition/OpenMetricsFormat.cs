using Pytheus.Internal;
using Pytheus.Metrics;

namespace Pytheus.Exposition;

/// <summary>
/// Writes collected metrics in the OpenMetrics 1.0 text format, which Prometheus servers ask for first: counter
/// families are named without <c>_total</c> and their samples carry it (a counter not named <c>*_total</c> is typed
/// <c>unknown</c>, so that its series keeps the same name in both formats, as prometheus-net does), HELP escapes quotes
/// too, and the text ends with <c># EOF</c>. Samples are written exactly as in the Prometheus text format.
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
        writer.Write(TextFormat.Render(metrics, ExpositionFormat.OpenMetrics));
    }

    /// <summary>Writes a family's <c># TYPE</c> and <c># HELP</c> lines in UTF-8.</summary>
    internal static void WriteHeader(Utf8TextWriter writer, MetricSnapshot metric)
    {
        var type = metric.Definition.Type;
        var isCounter = type == MetricType.Counter && metric.Name.EndsWith("_total", StringComparison.Ordinal);
        var familyName = isCounter ? metric.Name[..^"_total".Length] : metric.Name;
        writer.Write("# TYPE "u8);
        writer.Write(familyName);
        writer.Write((byte)' ');
        writer.Write(type is MetricType.Untyped || (type == MetricType.Counter && !isCounter) ? "unknown" : TextFormat.TypeName(type));
        writer.Write("\n# HELP "u8);
        writer.Write(familyName);
        writer.Write((byte)' ');
        writer.WriteEscaped(metric.Definition.Help, escapeQuote: true);
        writer.Write((byte)'\n');
    }
}
