using System.Buffers.Text;
using System.Globalization;
using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>Numbers as the apply script reads and writes them (C <c>%.17g</c> text: exact round trip, <c>inf</c>, <c>nan</c>).</summary>
internal static class RedisNumber
{
    /// <summary>Formats a number for the Lua script so that it parses back to the same double.</summary>
    public static string Format(double value) =>
        double.IsNaN(value) ? "nan"
        : double.IsPositiveInfinity(value) ? "inf"
        : double.IsNegativeInfinity(value) ? "-inf"
        : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Parses a number stored by the Lua script (<c>inf</c>, <c>-nan</c> and so on); missing is 0.</summary>
    public static double Parse(RedisValue value)
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

    /// <summary>
    /// <see cref="Parse(RedisValue)"/> over UTF-8 bytes, without an object: plain numbers are parsed in place; anything
    /// else (<c>inf</c>, <c>nan</c>, …) takes the same path as a <see cref="RedisValue"/>.
    /// </summary>
    public static double Parse(ReadOnlySpan<byte> utf8) =>
        utf8.IsEmpty ? 0
        : Utf8Parser.TryParse(utf8, out double parsed, out var consumed) && consumed == utf8.Length ? parsed
        : Parse((RedisValue)utf8.ToArray());

    /// <summary>Parses a writer's batch sequence field; missing (or not a number) is 0, as the apply script reads it.</summary>
    public static long ParseSequence(RedisValue value) => value.TryParse(out long sequence) ? sequence : 0;

    /// <inheritdoc cref="ParseSequence(RedisValue)"/>
    public static long ParseSequence(ReadOnlySpan<byte> utf8) =>
        Utf8Parser.TryParse(utf8, out long sequence, out var consumed) && consumed == utf8.Length ? sequence
        : ParseSequence((RedisValue)utf8.ToArray());
}
