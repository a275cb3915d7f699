using System.Text;
using Pytheus.Exposition;

namespace Pytheus.Internal;

/// <summary>
/// An append-only UTF-8 buffer for exposition: text goes straight to bytes (no <see cref="TextWriter"/>, no encoder
/// state), into a pooled array (<see cref="PooledByteBuffer"/>).
/// </summary>
internal sealed class Utf8TextWriter(int initialCapacity) : PooledByteBuffer(initialCapacity)
{
    public void Write(byte value) => Room(1)[Length++] = value;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Room(bytes.Length).AsSpan(Length));
        Length += bytes.Length;
    }

    /// <summary>Writes text in UTF-8, as is.</summary>
    public void Write(ReadOnlySpan<char> text)
    {
        if (Ascii.IsValid(text))
        {
            Ascii.FromUtf16(text, Room(text.Length).AsSpan(Length), out var written);
            Length += written;
            return;
        }
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        Length += Encoding.UTF8.GetBytes(text, Room(max).AsSpan(Length));
    }

    /// <summary>Escapes <c>\</c> and newline (and <c>"</c> when <paramref name="escapeQuote"/>), writing unchanged runs in one go.</summary>
    public void WriteEscaped(string text, bool escapeQuote)
    {
        var span = text.AsSpan();
        while (true)
        {
            var next = escapeQuote ? span.IndexOfAny('\\', '\n', '"') : span.IndexOfAny('\\', '\n');
            if (next < 0)
            {
                Write(span);
                return;
            }
            Write(span[..next]);
            Write(span[next] switch { '\\' => "\\\\"u8, '\n' => "\\n"u8, _ => "\\\""u8 });
            span = span[(next + 1)..];
        }
    }

    /// <summary>Writes <paramref name="value"/> as Prometheus prints it (see <see cref="PrometheusFloat"/>).</summary>
    public void WriteDouble(double value)
    {
        Span<char> chars = stackalloc char[PrometheusFloat.MaxLength];
        var length = PrometheusFloat.Format(value, chars);
        Ascii.FromUtf16(chars[..length], Room(length).AsSpan(Length), out var written);
        Length += written;
    }
}
