using System.Globalization;
using System.Text;

namespace Pytheus.Backends.Redis;

/// <summary>
/// The canonical text of a label set, used in hash fields: a compact JSON object with names sorted ordinally
/// (<c>{"code":"200","method":"GET"}</c>), so that every process — whatever order it declared or passed the labels in —
/// writes one series to the same field. Encoding is lossless for every .NET string: an unpaired surrogate is written as
/// a <c>\udXXX</c> escape (UTF-8 cannot carry it, and StackExchange.Redis would turn it into U+FFFD, merging distinct
/// label values into one field).
/// </summary>
internal static class RedisLabelCodec
{
    public static string Encode(IReadOnlyList<string> names, IReadOnlyList<string> values)
    {
        var order = new int[names.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        Array.Sort(order, (a, b) => string.CompareOrdinal(names[a], names[b]));
        var text = new StringBuilder("{");
        foreach (var i in order)
        {
            if (text.Length > 1)
            {
                text.Append(',');
            }
            AppendString(text, names[i]);
            text.Append(':');
            AppendString(text, values[i]);
        }
        return text.Append('}').ToString();
    }

    /// <summary>
    /// Parses a label set written by <see cref="Encode"/> into values aligned with <paramref name="names"/>, or null when
    /// the text is malformed or its label names are not exactly those.
    /// </summary>
    public static string[]? Decode(string encoded, IReadOnlyList<string> names)
    {
        var values = new string[names.Count];
        var position = 0;
        if (!Expect(encoded, ref position, '{'))
        {
            return null;
        }
        var seen = 0;
        if (!Expect(encoded, ref position, '}'))
        {
            while (true)
            {
                if (ReadString(encoded, ref position) is not { } name || !Expect(encoded, ref position, ':')
                    || ReadString(encoded, ref position) is not { } value)
                {
                    return null;
                }
                var index = IndexOf(names, name);
                if (index < 0 || values[index] is not null)
                {
                    return null;
                }
                values[index] = value;
                seen++;
                if (Expect(encoded, ref position, '}'))
                {
                    break;
                }
                if (!Expect(encoded, ref position, ','))
                {
                    return null;
                }
            }
        }
        return position == encoded.Length && seen == names.Count ? values : null;
    }

    private static void AppendString(StringBuilder text, string value)
    {
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case < ' ':
                    AppendEscape(text, c);
                    break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        text.Append(c).Append(value[++i]);
                    }
                    else if (char.IsSurrogate(c))
                    {
                        AppendEscape(text, c);
                    }
                    else
                    {
                        text.Append(c);
                    }
                    break;
            }
        }
        text.Append('"');
    }

    private static void AppendEscape(StringBuilder text, char c) =>
        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));

    private static bool Expect(string text, ref int position, char c)
    {
        if (position < text.Length && text[position] == c)
        {
            position++;
            return true;
        }
        return false;
    }

    private static string? ReadString(string text, ref int position)
    {
        if (!Expect(text, ref position, '"'))
        {
            return null;
        }
        var value = new StringBuilder();
        while (position < text.Length)
        {
            var c = text[position++];
            if (c == '"')
            {
                return value.ToString();
            }
            if (c != '\\')
            {
                value.Append(c);
                continue;
            }
            if (position >= text.Length)
            {
                return null;
            }
            var escaped = text[position++];
            switch (escaped)
            {
                case '"' or '\\' or '/':
                    value.Append(escaped);
                    break;
                case 'b':
                    value.Append('\b');
                    break;
                case 'f':
                    value.Append('\f');
                    break;
                case 'n':
                    value.Append('\n');
                    break;
                case 'r':
                    value.Append('\r');
                    break;
                case 't':
                    value.Append('\t');
                    break;
                case 'u' when position + 4 <= text.Length
                    && int.TryParse(text.AsSpan(position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    value.Append((char)code);
                    position += 4;
                    break;
                default:
                    return null;
            }
        }
        return null;
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
}
