using System.Globalization;

namespace Pytheus.Exposition;

/// <summary>
/// Formats doubles as Prometheus itself prints them (Go's <c>strconv.FormatFloat(v, 'g', -1, 64)</c>):
/// the shortest text that round-trips, exponent form when the decimal exponent is below -4 or at least 6
/// (<c>1e+06</c>, <c>2.5e-05</c>),
/// and <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.
/// </summary>
public static class PrometheusFloat
{
    /// <summary>Longest output: sign, 17 digits, point, leading zeros, exponent.</summary>
    public const int MaxLength = 48;

    /// <summary>Formats <paramref name="value"/>.</summary>
    public static string Format(double value)
    {
        Span<char> buffer = stackalloc char[MaxLength];
        return new string(buffer[..Format(value, buffer)]);
    }

    /// <summary>Formats <paramref name="value"/> into <paramref name="destination"/> (at least <see cref="MaxLength"/> long) and returns the length.</summary>
    public static int Format(double value, Span<char> destination)
    {
        if (double.IsNaN(value))
        {
            return Copy("NaN", destination);
        }
        if (double.IsInfinity(value))
        {
            return Copy(value > 0 ? "+Inf" : "-Inf", destination);
        }
        if (value == Math.Floor(value) && Math.Abs(value) < 1e6)
        {
            // Integral values (the common case for counters and bucket counts) need no digit analysis.
            if (value == 0)
            {
                return Copy(double.IsNegative(value) ? "-0" : "0", destination);
            }
            ((long)value).TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
            return written;
        }

        // .NET's "R" gives the shortest round-trip digits; only the layout differs from Go, so re-lay them out.
        Span<char> raw = stackalloc char[32];
        value.TryFormat(raw, out var rawLength, "R", CultureInfo.InvariantCulture);
        raw = raw[..rawLength];

        var negative = raw[0] == '-';
        if (negative)
        {
            raw = raw[1..];
        }
        var exponentAt = raw.IndexOfAny('E', 'e');
        var exponent = exponentAt < 0 ? 0 : int.Parse(raw[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = exponentAt < 0 ? raw : raw[..exponentAt];

        Span<char> digits = stackalloc char[24];
        var digitCount = 0;
        var pointPosition = -1;
        foreach (var c in mantissa)
        {
            if (c == '.')
            {
                pointPosition = digitCount;
            }
            else
            {
                digits[digitCount++] = c;
            }
        }
        if (pointPosition < 0)
        {
            pointPosition = digitCount;
        }
        // Normalise to: digits d1 d2 ... with the decimal point after `decimalPoint` digits.
        var leadingZeros = 0;
        while (leadingZeros < digitCount - 1 && digits[leadingZeros] == '0')
        {
            leadingZeros++;
        }
        var decimalPoint = pointPosition - leadingZeros + exponent;
        digits = digits[leadingZeros..digitCount];
        var count = digits.Length;
        while (count > 1 && digits[count - 1] == '0')
        {
            count--;
        }
        digits = digits[..count];

        var position = 0;
        if (negative)
        {
            destination[position++] = '-';
        }
        var decimalExponent = decimalPoint - 1;
        if (decimalExponent < -4 || decimalExponent >= 6)
        {
            destination[position++] = digits[0];
            if (digits.Length > 1)
            {
                destination[position++] = '.';
                digits[1..].CopyTo(destination[position..]);
                position += digits.Length - 1;
            }
            destination[position++] = 'e';
            destination[position++] = decimalExponent < 0 ? '-' : '+';
            var magnitude = Math.Abs(decimalExponent);
            if (magnitude < 10)
            {
                destination[position++] = '0';
            }
            magnitude.TryFormat(destination[position..], out var expLength, default, CultureInfo.InvariantCulture);
            return position + expLength;
        }
        if (decimalPoint <= 0)
        {
            destination[position++] = '0';
            destination[position++] = '.';
            for (var i = 0; i < -decimalPoint; i++)
            {
                destination[position++] = '0';
            }
            digits.CopyTo(destination[position..]);
            return position + digits.Length;
        }
        for (var i = 0; i < Math.Max(decimalPoint, digits.Length); i++)
        {
            if (i == decimalPoint)
            {
                destination[position++] = '.';
            }
            destination[position++] = i < digits.Length ? digits[i] : '0';
        }
        return position;
    }

    private static int Copy(string text, Span<char> destination)
    {
        text.AsSpan().CopyTo(destination);
        return text.Length;
    }
}
