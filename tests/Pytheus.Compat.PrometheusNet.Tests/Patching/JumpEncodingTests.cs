using Pytheus.Compat.PrometheusNet.Patching;

namespace Pytheus.Compat.PrometheusNet.Tests.Patching;

public sealed class JumpEncodingTests
{
    [Theory]
    [InlineData(0x1000, 0x2000)]
    [InlineData(0x7fff_0000_1000, 0x7fff_0000_0010)]
    public void A_jump_keeps_the_three_bytes_after_it_and_decodes_to_its_destination(long from, long to)
    {
        const ulong current = 0x1122334455667788;

        var encoded = JumpEncoding.Encode((nint)from, current, (nint)to)!.Value;

        (encoded & 0xFF).ShouldBe(0xE9UL);
        (encoded >> 40).ShouldBe(current >> 40);
        JumpEncoding.Decode((nint)from, encoded).ShouldBe((nint)to);
    }

    [Fact]
    public void A_destination_out_of_rel32_range_is_refused()
    {
        JumpEncoding.Encode(0x1000, 0, unchecked((nint)0x7000_0000_0000L)).ShouldBeNull();
    }
}
