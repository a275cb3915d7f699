using System.Buffers;
using System.Text;
using Pytheus.Exposition;

namespace Pytheus.Internal;

/// <summary>
/// An append-only UTF-8 buffer for exposition: text goes straight to bytes (no <see cref="TextWriter"/>, no encoder
/// state), the backing array comes from <see cref="ArrayPool{T}.Shared"/> and goes back on <see cref="Dispose"/>.
/// </summary>
internal sealed class Utf8TextWriter : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public Utf8TextWriter(int initialCapacity) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public int Length => _length;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public void Clear() => _length = 0;

    public void Write(byte value)
    {
        if (_length == _buffer.Length)
        {
            Grow(1);
        }
        _buffer[_length++] = value;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (_buffer.Length - _length < bytes.Length)
        {
            Grow(bytes.Length);
        }
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Writes text in UTF-8, as is.</summary>
    public void Write(ReadOnlySpan<char> text)
    {
        if (Ascii.IsValid(text))
        {
            if (_buffer.Length - _length < text.Length)
            {
                Grow(text.Length);
            }
            Ascii.FromUtf16(text, _buffer.AsSpan(_length), out var written);
            _length += written;
            return;
        }
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_buffer.Length - _length < max)
        {
            Grow(max);
        }
        _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
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
        if (_buffer.Length - _length < length)
        {
            Grow(length);
        }
        Ascii.FromUtf16(chars[..length], _buffer.AsSpan(_length), out var written);
        _length += written;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Grow(int needed)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + needed));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = larger;
    }
}
