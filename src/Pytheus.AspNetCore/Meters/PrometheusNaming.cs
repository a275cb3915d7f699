using System.Diagnostics.Metrics;
using System.Text;

namespace Pytheus.AspNetCore;

/// <summary>Turns instrument names, units and tag keys into Prometheus metric and label names.</summary>
public static class PrometheusNaming
{
    /// <summary>
    /// The metric name of an instrument: invalid characters (dots, dashes, ...) become underscores, the unit becomes a
    /// suffix (<c>s</c>, <c>ms</c>, <c>us</c> → <c>_seconds</c>; <c>By</c> → <c>_bytes</c>; annotations such as
    /// <c>{request}</c> and <c>1</c> add none; other units are appended as they are), and counters end in <c>_total</c>.
    /// <c>http.server.request.duration</c> in <c>s</c> becomes <c>http_server_request_duration_seconds</c>.
    /// </summary>
    public static string MetricName(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var name = Sanitize(instrument.Name, allowColon: true);
        var suffix = UnitSuffix(instrument.Unit);
        if (suffix is not null && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name = name + "_" + suffix;
        }
        var isCounter = instrument.GetType().IsGenericType
            && instrument.GetType().GetGenericTypeDefinition() is var definition
            && (definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>));
        if (isCounter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }
        return name;
    }

    /// <summary>The label name of a tag key: invalid characters become underscores (<c>http.route</c> → <c>http_route</c>).</summary>
    public static string LabelName(string tagKey) => Sanitize(tagKey, allowColon: false);

    /// <summary>The factor measurements are multiplied by to be in the exported unit (1000 ms → 1 s).</summary>
    public static double UnitScale(string? unit) => unit switch
    {
        "ms" => 1e-3,
        "us" or "μs" => 1e-6,
        "ns" => 1e-9,
        _ => 1,
    };

    private static string? UnitSuffix(string? unit) => unit switch
    {
        null or "" or "1" => null,
        "s" or "ms" or "us" or "μs" or "ns" => "seconds",
        "By" => "bytes",
        "min" => "minutes",
        "h" => "hours",
        "%" => "percent",
        _ when unit.StartsWith('{') => null,
        _ => Sanitize(unit, allowColon: false).Trim('_') is { Length: > 0 } s ? s : null,
    };

    private static string Sanitize(string text, bool allowColon)
    {
        var builder = new StringBuilder(text.Length + 1);
        foreach (var c in text)
        {
            var valid = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' || (allowColon && c == ':');
            var next = valid ? c : '_';
            if (next == '_' && builder.Length > 0 && builder[^1] == '_')
            {
                continue;
            }
            builder.Append(next);
        }
        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }
        return builder.ToString();
    }
}
