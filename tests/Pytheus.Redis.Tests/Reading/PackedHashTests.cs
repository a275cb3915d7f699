using System.Text;
using Pytheus.Backends.Redis;

namespace Pytheus.Redis.Tests.Reading;

/// <summary>The packed reply's format; what real Redis packs is checked against <c>HGETALL</c> in <see cref="RedisFamilyReaderTests"/>.</summary>
public class PackedHashTests
{
    [Fact]
    public void Pairs_read_back_as_packed_whatever_their_lengths()
    {
        var pairs = new[] { "", "a", new string('b', 31), new string('c', 32), new string('d', 256), new string('e', 70_000) }
            .Select(s => ((ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes("f" + s), (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(s))).ToArray();

        var packed = PackedHash.Pack(pairs);

        packed.Fields.ShouldBe(pairs.Length);
        var reader = packed.GetReader();
        foreach (var (field, value) in pairs)
        {
            reader.Next(out var readField, out var readValue).ShouldBeTrue();
            readField.SequenceEqual(field.Span).ShouldBeTrue();
            readValue.SequenceEqual(value.Span).ShouldBeTrue();
        }
        reader.Next(out _, out _).ShouldBeFalse();
        packed.ToList().Select(p => Convert.ToHexString(p.Field.Span) + " " + Convert.ToHexString(p.Value.Span))
            .ShouldBe(pairs.Select(p => Convert.ToHexString(p.Item1.Span) + " " + Convert.ToHexString(p.Item2.Span)));
    }

    [Fact]
    public void The_short_forms_Redis_writes_are_read()
    {
        // fixarray of 4; fixstr "@e"; str8 of 1 byte; bin8 of 0 bytes; str16 of 2 bytes.
        byte[] bytes = [0x94, 0xa2, (byte)'@', (byte)'e', 0xd9, 1, (byte)'7', 0xc4, 0, 0xda, 0, 2, (byte)'4', (byte)'2'];
        var reader = new PackedHash(bytes).GetReader();
        reader.Next(out var field, out var value).ShouldBeTrue();
        Encoding.UTF8.GetString(field).ShouldBe("@e");
        Encoding.UTF8.GetString(value).ShouldBe("7");
        reader.Next(out field, out value).ShouldBeTrue();
        field.Length.ShouldBe(0);
        Encoding.UTF8.GetString(value).ShouldBe("42");
        new PackedHash(new byte[] { 0x90 }).Fields.ShouldBe(0);
    }

    [Theory]
    [InlineData(new byte[] { 0x93, 0xa1, 0x61, 0xa1, 0x62, 0xa1, 0x63 })]
    [InlineData(new byte[] { 0x82, 0xa1, 0x61, 0xa1, 0x62 })]
    public void Anything_but_an_array_of_pairs_is_refused(byte[] bytes) =>
        Should.Throw<InvalidDataException>(() => new PackedHash(bytes));

    [Theory]
    [InlineData(new byte[] { 0x92, 0xa1, 0x61, 0x01 })]
    [InlineData(new byte[] { 0x92, 0xa1, 0x61, 0xa5, 0x62 })]
    public void An_item_that_is_not_a_string_or_runs_past_the_end_is_refused(byte[] bytes) =>
        Should.Throw<InvalidDataException>(() =>
        {
            var reader = new PackedHash(bytes).GetReader();
            reader.Next(out _, out _);
        });
}
