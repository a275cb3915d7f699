using System.Buffers;

namespace Pytheus.Internal;

/// <summary>
/// The growable byte array behind the exposition writers: rented from <see cref="ArrayPool{T}.Shared"/>, doubled when
/// full, returned on <see cref="Dispose"/>, so that a scrape reuses pooled memory instead of allocating its output.
/// </summary>
internal abstract class PooledByteBuffer : IDisposable
{
    private byte[] _buffer;

    protected PooledByteBuffer(int initialCapacity) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    /// <summary>The bytes written so far (writers move it past what they write).</summary>
    public int Length { get; private protected set; }

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, Length);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        Length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The array, with room for at least <paramref name="count"/> bytes after <see cref="Length"/> (grown if needed).</summary>
    private protected byte[] Room(int count)
    {
        if (_buffer.Length - Length < count)
        {
            Grow(count);
        }
        return _buffer;
    }

    private void Grow(int needed)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + needed));
        _buffer.AsSpan(0, Length).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = larger;
    }
}
