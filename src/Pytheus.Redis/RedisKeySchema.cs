using System.Globalization;
using System.Text;
using System.Text.Json;
using Pytheus.Exposition;
using Pytheus.Metrics;
using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>
/// Names of keys and hash fields (documented in <c>docs/redis-backend.md</c>):
/// <list type="bullet">
/// <item><c>&lt;prefix&gt;:{&lt;metric&gt;}</c> — HASH of one metric family, one field per stored number of every series,
/// <c>&lt;slot&gt;|&lt;labels&gt;</c>, e.g. <c>v|{"code":"200","method":"GET"}</c>, <c>le=0.5|{}</c>, <c>sum|{}</c>.</item>
/// <item><c>&lt;prefix&gt;:{&lt;metric&gt;}:w:&lt;writer&gt;</c> — STRING, the last batch sequence number applied for one
/// writer (process) on that family.</item>
/// </list>
/// The <c>{metric}</c> hash tag keeps a family's keys in one Redis Cluster slot, so one script can update them atomically.
/// </summary>
internal static class RedisKeySchema
{
    public const string ValueSlot = "v";
    public const string SumSlot = "sum";
    public const string CountSlot = "count";
    public const char SlotSeparator = '|';

    public static RedisKey DataKey(string prefix, string metricName) => $"{prefix}:{{{metricName}}}";

    public static RedisKey SequenceKey(string prefix, string metricName, string writerId) => $"{prefix}:{{{metricName}}}:w:{writerId}";

    /// <summary>The slot name of each stored number of a family, in its value layout.</summary>
    public static string[] SlotNames(MetricFamily family)
    {
        var slots = new string[family.ValueLayout.Count];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = family.ValueLayout[i] switch
            {
                ValueKind.Bucket => "le=" + PrometheusFloat.Format(family.UpperBounds[i]),
                ValueKind.Sum => SumSlot,
                ValueKind.Count => CountSlot,
                _ => ValueSlot,
            };
        }
        return slots;
    }

    /// <summary>
    /// The canonical text of a label set: a compact JSON object with names sorted ordinally, so that every process —
    /// whatever order it declared or passed the labels in — writes one series to the same field.
    /// </summary>
    public static string EncodeLabels(IReadOnlyList<string> names, IReadOnlyList<string> values)
    {
        var order = Enumerable.Range(0, names.Count).OrderBy(i => names[i], StringComparer.Ordinal);
        var text = new StringBuilder("{");
        foreach (var i in order)
        {
            if (text.Length > 1)
            {
                text.Append(',');
            }
            AppendJsonString(text, names[i]);
            text.Append(':');
            AppendJsonString(text, values[i]);
        }
        return text.Append('}').ToString();
    }

    /// <summary>
    /// Parses a label set written by <see cref="EncodeLabels"/> into values aligned with <paramref name="names"/>, or
    /// null when its label names are not exactly those (a differently defined metric of the same name).
    /// </summary>
    public static string[]? DecodeLabels(string encoded, IReadOnlyList<string> names)
    {
        try
        {
            using var document = JsonDocument.Parse(encoded);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            var values = new string?[names.Count];
            var seen = 0;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var index = IndexOf(names, property.Name);
                if (index < 0 || values[index] is not null || property.Value.ValueKind != JsonValueKind.String)
                {
                    return null;
                }
                values[index] = property.Value.GetString();
                seen++;
            }
            return seen == names.Count ? values.Select(v => v!).ToArray() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Formats a number for the Lua script so that it parses back to the same double.</summary>
    public static string FormatNumber(double value) =>
        double.IsNaN(value) ? "nan"
        : double.IsPositiveInfinity(value) ? "inf"
        : double.IsNegativeInfinity(value) ? "-inf"
        : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Parses a number stored by the Lua script (C <c>%.17g</c>: <c>inf</c>, <c>-nan</c> and so on).</summary>
    public static double ParseNumber(RedisValue value)
    {
        if (value.IsNullOrEmpty)
        {
            return 0;
        }
        if (value.TryParse(out double parsed))
        {
            return parsed;
        }
        var text = ((string)value!).Trim().ToLowerInvariant();
        return text switch
        {
            "inf" or "+inf" or "infinity" or "+infinity" => double.PositiveInfinity,
            "-inf" or "-infinity" => double.NegativeInfinity,
            "nan" or "-nan" or "+nan" => double.NaN,
            _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out parsed) ? parsed : double.NaN,
        };
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    private static void AppendJsonString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case < ' ':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }
        text.Append('"');
    }
}
