using System.Buffers.Binary;

namespace Pytheus.Backends.Redis;

/// <summary>
/// A family hash as the read script returns it: one MessagePack array (Redis's Lua <c>cmsgpack.pack</c>) of field,
/// value, field, value… as strings. One bulk string per family costs the scraping process one buffer, where a plain
/// <c>HGETALL</c> reply costs two objects per field; the fields are then read as spans, without an object each.
/// </summary>
internal readonly struct PackedHash
{
    private readonly ReadOnlyMemory<byte> _packed;
    private readonly int _bodyStart;

    /// <summary>Reads the array header of <paramref name="packed"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes do not start with a MessagePack array of an even length.</exception>
    public PackedHash(ReadOnlyMemory<byte> packed)
    {
        _packed = packed;
        var span = packed.Span;
        var position = 0;
        var items = ReadArrayHeader(span, ref position);
        if (items % 2 != 0)
        {
            throw new InvalidDataException($"A packed hash has {items} items, not field and value pairs.");
        }
        Fields = items / 2;
        _bodyStart = position;
    }

    /// <summary>The number of field and value pairs.</summary>
    public int Fields { get; }

    /// <summary>The pairs, in the order Redis returned them.</summary>
    public Reader GetReader() => new(_packed.Span, _bodyStart, Fields);

    /// <summary>The pairs as slices of the packed bytes (no copy), for keeping beyond a reader's scope.</summary>
    public List<(ReadOnlyMemory<byte> Field, ReadOnlyMemory<byte> Value)> ToList()
    {
        var pairs = new List<(ReadOnlyMemory<byte>, ReadOnlyMemory<byte>)>(Fields);
        var position = _bodyStart;
        var span = _packed.Span;
        for (var i = 0; i < Fields; i++)
        {
            // An item ends where the read left off: its slice is the last Length bytes before that.
            var fieldLength = ReadString(span, ref position).Length;
            var field = _packed.Slice(position - fieldLength, fieldLength);
            var valueLength = ReadString(span, ref position).Length;
            pairs.Add((field, _packed.Slice(position - valueLength, valueLength)));
        }
        return pairs;
    }

    /// <summary>Reads the pairs one after the other, as spans into the packed bytes.</summary>
    public ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _packed;
        private int _position;
        private int _left;

        internal Reader(ReadOnlySpan<byte> packed, int position, int pairs)
        {
            _packed = packed;
            _position = position;
            _left = pairs;
        }

        /// <summary>The next pair; false after the last.</summary>
        /// <exception cref="InvalidDataException">An item is not a string, or runs past the end.</exception>
        public bool Next(out ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
        {
            if (_left == 0)
            {
                field = value = default;
                return false;
            }
            _left--;
            field = ReadString(_packed, ref _position);
            value = ReadString(_packed, ref _position);
            return true;
        }
    }

    private static int ReadArrayHeader(ReadOnlySpan<byte> span, scoped ref int position)
    {
        var marker = Byte(span, ref position);
        return marker switch
        {
            >= 0x90 and <= 0x9f => marker & 0x0f,
            0xdc => BinaryPrimitives.ReadUInt16BigEndian(Take(span, ref position, 2)),
            0xdd => Length(BinaryPrimitives.ReadUInt32BigEndian(Take(span, ref position, 4))),
            // cmsgpack packs an empty table as an empty map on some versions.
            0x80 => 0,
            _ => throw new InvalidDataException($"A packed hash starts with 0x{marker:x2}, not an array."),
        };
    }

    private static ReadOnlySpan<byte> ReadString(ReadOnlySpan<byte> span, scoped ref int position)
    {
        var marker = Byte(span, ref position);
        var length = marker switch
        {
            >= 0xa0 and <= 0xbf => marker & 0x1f,
            0xd9 or 0xc4 => Byte(span, ref position),
            0xda or 0xc5 => BinaryPrimitives.ReadUInt16BigEndian(Take(span, ref position, 2)),
            0xdb or 0xc6 => Length(BinaryPrimitives.ReadUInt32BigEndian(Take(span, ref position, 4))),
            _ => throw new InvalidDataException($"A packed hash holds an item of type 0x{marker:x2}, not a string."),
        };
        return Take(span, ref position, length);
    }

    private static byte Byte(ReadOnlySpan<byte> span, scoped ref int position) => Take(span, ref position, 1)[0];

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> span, scoped ref int position, int length)
    {
        if (length > span.Length - position)
        {
            throw new InvalidDataException("A packed hash ends in the middle of an item.");
        }
        var taken = span.Slice(position, length);
        position += length;
        return taken;
    }

    private static int Length(uint length) =>
        length <= int.MaxValue ? (int)length : throw new InvalidDataException($"A packed hash item claims {length} bytes.");

    /// <summary>
    /// Packs pairs in the same format (used to merge the steps of a chunked read into one hash). Strings are written
    /// with a 32-bit length, which every reader of the format accepts.
    /// </summary>
    public static PackedHash Pack(IReadOnlyList<(ReadOnlyMemory<byte> Field, ReadOnlyMemory<byte> Value)> pairs)
    {
        var size = 5 + pairs.Sum(p => 10 + p.Field.Length + p.Value.Length);
        var buffer = new byte[size];
        buffer[0] = 0xdd;
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(1), checked((uint)(2 * pairs.Count)));
        var position = 5;
        foreach (var (field, value) in pairs)
        {
            position = WriteString(buffer, position, field.Span);
            position = WriteString(buffer, position, value.Span);
        }
        return new PackedHash(buffer.AsMemory(0, position));
    }

    private static int WriteString(byte[] buffer, int position, ReadOnlySpan<byte> text)
    {
        buffer[position] = 0xdb;
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(position + 1), (uint)text.Length);
        text.CopyTo(buffer.AsSpan(position + 5));
        return position + 5 + text.Length;
    }
}
