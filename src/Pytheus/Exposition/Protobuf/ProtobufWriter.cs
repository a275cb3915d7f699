using System.Buffers.Binary;
using System.Text;
using Pytheus.Internal;

namespace Pytheus.Exposition.Protobuf;

/// <summary>
/// An append-only protobuf encoder into one pooled buffer. A nested message is written in one pass:
/// <see cref="BeginMessage"/> reserves one byte for its length, the body follows, and <see cref="EndMessage"/> writes
/// the length there — moving the body right when the length needs more than one byte, so that every varint stays
/// minimal and nothing is measured twice.
/// </summary>
internal sealed class ProtobufWriter(int initialCapacity) : PooledByteBuffer(initialCapacity)
{
    private const int Varint = 0;
    private const int Fixed64 = 1;
    private const int LengthDelimited = 2;
    private const int MaxTag = 5;
    private const int MaxVarint = 10;

    /// <summary>Starts a length-delimited field <paramref name="field"/>; returns where its body starts, for <see cref="EndMessage"/>.</summary>
    public int BeginMessage(int field)
    {
        var buffer = Room(MaxTag + 1);
        Length = PutVarint(buffer, Length, Tag(field, LengthDelimited)) + 1;
        return Length;
    }

    /// <summary>Starts a message preceded by its length only (a delimited top-level message); returns where its body starts.</summary>
    public int BeginLength()
    {
        Room(1);
        return ++Length;
    }

    /// <summary>Writes the length of the message whose body started at <paramref name="body"/> and ends here.</summary>
    public void EndMessage(int body)
    {
        var length = Length - body;
        var extra = VarintSize((uint)length) - 1;
        var buffer = Room(extra);
        if (extra > 0)
        {
            buffer.AsSpan(body, length).CopyTo(buffer.AsSpan(body + extra));
            Length += extra;
        }
        PutVarint(buffer, body - 1, (uint)length);
    }

    public void WriteUInt64(int field, ulong value)
    {
        var buffer = Room(MaxTag + MaxVarint);
        Length = PutVarint(buffer, PutVarint(buffer, Length, Tag(field, Varint)), value);
    }

    /// <summary>An <c>int64</c> or <c>int32</c> field (a negative value takes ten bytes, as protobuf writes it).</summary>
    public void WriteInt64(int field, long value) => WriteUInt64(field, (ulong)value);

    /// <summary>An <c>sint32</c> or <c>sint64</c> field (zigzag).</summary>
    public void WriteSInt64(int field, long value) => WriteUInt64(field, (ulong)((value << 1) ^ (value >> 63)));

    public void WriteDouble(int field, double value)
    {
        var buffer = Room(MaxTag + sizeof(double));
        var at = PutVarint(buffer, Length, Tag(field, Fixed64));
        BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(at), value);
        Length = at + sizeof(double);
    }

    public void WriteString(int field, string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        var buffer = Room(MaxTag + MaxVarint + count);
        var at = PutVarint(buffer, PutVarint(buffer, Length, Tag(field, LengthDelimited)), (uint)count);
        Length = at + Encoding.UTF8.GetBytes(value, buffer.AsSpan(at));
    }

    /// <summary>Bytes already encoded (a field encoded once and written many times).</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Room(bytes.Length).AsSpan(Length));
        Length += bytes.Length;
    }

    /// <summary>The bytes of a string field: tag, length and UTF-8 text.</summary>
    public static byte[] EncodeString(int field, string value)
    {
        using var writer = new ProtobufWriter(64);
        writer.WriteString(field, value);
        return writer.WrittenSpan.ToArray();
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
}
