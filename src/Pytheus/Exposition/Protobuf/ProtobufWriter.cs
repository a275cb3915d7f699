using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Pytheus.Exposition.Protobuf;

/// <summary>
/// An append-only protobuf encoder into one pooled buffer (from <see cref="ArrayPool{T}.Shared"/>, returned on
/// <see cref="Dispose"/>). A nested message is written in one pass: <see cref="BeginMessage"/> reserves one byte for its
/// length, the body follows, and <see cref="EndMessage"/> writes the length there — moving the body right when the
/// length needs more than one byte, so that every varint stays minimal and nothing is measured twice.
/// </summary>
internal sealed class ProtobufWriter : IDisposable
{
    private const int Varint = 0;
    private const int Fixed64 = 1;
    private const int LengthDelimited = 2;
    private const int MaxTag = 5;
    private const int MaxVarint = 10;

    private byte[] _buffer;
    private int _length;

    public ProtobufWriter(int initialCapacity) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public int Length => _length;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public void Clear() => _length = 0;

    /// <summary>Starts a length-delimited field <paramref name="field"/>; returns where its body starts, for <see cref="EndMessage"/>.</summary>
    public int BeginMessage(int field)
    {
        Ensure(MaxTag + 1);
        _length = PutVarint(_buffer, _length, Tag(field, LengthDelimited)) + 1;
        return _length;
    }

    /// <summary>Starts a message preceded by its length only (a delimited top-level message); returns where its body starts.</summary>
    public int BeginLength()
    {
        Ensure(1);
        _length++;
        return _length;
    }

    /// <summary>Writes the length of the message whose body started at <paramref name="body"/> and ends here.</summary>
    public void EndMessage(int body)
    {
        var length = _length - body;
        var extra = VarintSize((uint)length) - 1;
        if (extra > 0)
        {
            Ensure(extra);
            _buffer.AsSpan(body, length).CopyTo(_buffer.AsSpan(body + extra));
            _length += extra;
        }
        var at = body - 1;
        var value = (uint)length;
        while (value >= 0x80)
        {
            _buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[at] = (byte)value;
    }

    public void WriteUInt64(int field, ulong value)
    {
        Ensure(MaxTag + MaxVarint);
        var buffer = _buffer;
        _length = PutVarint(buffer, PutVarint(buffer, _length, Tag(field, Varint)), value);
    }

    /// <summary>An <c>int64</c> or <c>int32</c> field (a negative value takes ten bytes, as protobuf writes it).</summary>
    public void WriteInt64(int field, long value) => WriteUInt64(field, (ulong)value);

    /// <summary>An <c>sint32</c> or <c>sint64</c> field (zigzag).</summary>
    public void WriteSInt64(int field, long value) => WriteUInt64(field, (ulong)((value << 1) ^ (value >> 63)));

    public void WriteDouble(int field, double value)
    {
        Ensure(MaxTag + sizeof(double));
        var at = PutVarint(_buffer, _length, Tag(field, Fixed64));
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.AsSpan(at), value);
        _length = at + sizeof(double);
    }

    public void WriteString(int field, string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        Ensure(MaxTag + MaxVarint + count);
        var buffer = _buffer;
        var at = PutVarint(buffer, PutVarint(buffer, _length, Tag(field, LengthDelimited)), (uint)count);
        _length = at + Encoding.UTF8.GetBytes(value, buffer.AsSpan(at));
    }

    /// <summary>Bytes already encoded (a field encoded once and written many times).</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>The bytes of a string field: tag, length and UTF-8 text.</summary>
    public static byte[] EncodeString(int field, string value)
    {
        using var writer = new ProtobufWriter(64);
        writer.WriteString(field, value);
        return writer.WrittenMemory.ToArray();
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

    private static uint Tag(int field, int wireType) => (uint)((field << 3) | wireType);

    /// <summary>Writes <paramref name="value"/> as a varint at <paramref name="at"/> (room checked by the caller); returns where it ends.</summary>
    private static int PutVarint(byte[] buffer, int at, ulong value)
    {
        while (value >= 0x80)
        {
            buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[at] = (byte)value;
        return at + 1;
    }

    private static int VarintSize(uint value) => value < 1 << 7 ? 1 : value < 1 << 14 ? 2 : value < 1 << 21 ? 3 : value < 1 << 28 ? 4 : 5;

    private void Ensure(int count)
    {
        if (_buffer.Length - _length < count)
        {
            Grow(count);
        }
    }

    private void Grow(int count)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
