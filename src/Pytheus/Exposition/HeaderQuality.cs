using System.Globalization;

namespace Pytheus.Exposition;

/// <summary>
/// Reads the quality (<c>q</c>) an HTTP <c>Accept</c> or <c>Accept-Encoding</c> header gives one value. The most specific
/// matching element wins (<c>type/subtype</c> over <c>type/*</c> over <c>*/*</c>; a coding over <c>*</c>), the highest
/// q among equally specific ones; an element whose q is not a number in [0, 1] is ignored, as RFC 9110 lets a server do.
/// </summary>
internal static class HeaderQuality
{
    /// <summary>The quality <paramref name="accept"/> gives <c>type/subtype</c>; 0 when no element matches.</summary>
    public static double OfMediaType(string accept, string type, string subtype) =>
        Best(accept, range =>
        {
            var slash = range.IndexOf('/');
            if (slash < 0)
            {
                return 0;
            }
            var rangeType = range[..slash];
            var rangeSubtype = range[(slash + 1)..];
            return rangeType.Equals(type, StringComparison.OrdinalIgnoreCase) && rangeSubtype.Equals(subtype, StringComparison.OrdinalIgnoreCase) ? 3
                : rangeType.Equals(type, StringComparison.OrdinalIgnoreCase) && rangeSubtype is "*" ? 2
                : range is "*/*" ? 1
                : 0;
        });

    /// <summary>
    /// The quality <paramref name="accept"/> gives the delimited Prometheus protobuf format: the highest q of the elements
    /// naming <c>application/vnd.google.protobuf</c> itself (no wildcard chooses a binary format) with
    /// <c>encoding=delimited</c> and, when given, <c>proto=io.prometheus.client.MetricFamily</c>; 0 when none does.
    /// </summary>
    public static double OfPrometheusProtobuf(string accept)
    {
        var best = 0.0;
        foreach (var element in accept.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = element.Split(';', StringSplitOptions.TrimEntries);
            if (!parts[0].Equals("application/vnd.google.protobuf", StringComparison.OrdinalIgnoreCase)
                || Parameter(parts, "encoding") is not { } encoding || !encoding.Equals("delimited", StringComparison.OrdinalIgnoreCase)
                || (Parameter(parts, "proto") is { } proto && !proto.Equals("io.prometheus.client.MetricFamily", StringComparison.Ordinal))
                || QualityOf(parts) is not { } quality)
            {
                continue;
            }
            best = Math.Max(best, quality);
        }
        return best;
    }

    private static string? Parameter(string[] parts, string name)
    {
        foreach (var parameter in parts.AsSpan(1))
        {
            var equals = parameter.IndexOf('=');
            if (equals > 0 && parameter.AsSpan(0, equals).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return parameter[(equals + 1)..].Trim().Trim('"');
            }
        }
        return null;
    }

    /// <summary>The quality <paramref name="acceptEncoding"/> gives <paramref name="coding"/>; 0 when no element matches.</summary>
    public static double OfCoding(string acceptEncoding, string coding) =>
        Best(acceptEncoding, value => value.Equals(coding, StringComparison.OrdinalIgnoreCase) ? 2 : value is "*" ? 1 : 0);

    // specificity: 0 = no match, higher = more specific.
    private static double Best(string header, Func<string, int> specificity)
    {
        var bestSpecificity = 0;
        var bestQuality = 0.0;
        foreach (var element in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = element.Split(';', StringSplitOptions.TrimEntries);
            var match = specificity(parts[0]);
            if (match == 0 || match < bestSpecificity || QualityOf(parts) is not { } quality)
            {
                continue;
            }
            bestQuality = match > bestSpecificity ? quality : Math.Max(bestQuality, quality);
            bestSpecificity = match;
        }
        return bestQuality;
    }

    private static double? QualityOf(string[] parts)
    {
        foreach (var parameter in parts.AsSpan(1))
        {
            var equals = parameter.IndexOf('=');
            if (equals < 0 || !parameter.AsSpan(0, equals).Trim().Equals("q", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            return double.TryParse(parameter.AsSpan(equals + 1).Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var q)
                && q is >= 0 and <= 1 ? q : null;
        }
        return 1;
    }
}
