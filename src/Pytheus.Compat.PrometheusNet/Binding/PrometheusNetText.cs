using System.Globalization;
using PyFormat = Pytheus.Exposition.ExpositionFormat;

namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>
/// The label text prometheus-net 8.2.1 writes for numbers, which is part of a series' identity for a Prometheus server
/// before 3.0: .NET's shortest <c>"g"</c> form (<c>le="1"</c>, <c>le="1000000"</c>) in the Prometheus text format, and
/// in OpenMetrics the same with <c>.0</c> appended when it has neither <c>.</c> nor <c>e</c> (<c>le="1.0"</c>).
/// </summary>
internal static class PrometheusNetText
{
    public static string[] BucketLabels(IReadOnlyList<double> upperBounds, PyFormat format)
    {
        var labels = new string[upperBounds.Count];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = CanonicalLabel(upperBounds[i], format);
        }
        return labels;
    }

    public static string CanonicalLabel(double value, PyFormat format)
    {
        if (double.IsPositiveInfinity(value))
        {
            return "+Inf";
        }
        var text = value.ToString("g", CultureInfo.InvariantCulture);
        return format == PyFormat.OpenMetrics && text.AsSpan().IndexOfAny('.', 'e') < 0 ? text + ".0" : text;
    }
}
