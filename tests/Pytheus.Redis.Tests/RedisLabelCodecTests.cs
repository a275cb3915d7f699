using Pytheus.Backends.Redis;

namespace Pytheus.Redis.Tests;

public class RedisLabelCodecTests
{
    [Theory]
    [InlineData("plain")]
    [InlineData("")]
    [InlineData("quote \" backslash \\ slash / tab \t newline \n nul \0")]
    [InlineData("é ü 漢字 😀")]
    [InlineData("x\uD800")]
    [InlineData("x\uDBFF")]
    [InlineData("\uDC00 low first")]
    [InlineData("\uD83D\uD83D two highs")]
    [InlineData("\\ud800 looks like an escape")]
    public void Every_string_round_trips(string value)
    {
        string[] names = ["b", "a"];
        var encoded = RedisLabelCodec.Encode(names, [value, "other"]);
        RedisLabelCodec.Decode(encoded, names).ShouldBe([value, "other"]);
    }

    [Fact]
    public void Names_are_sorted_so_declaration_order_does_not_matter()
    {
        RedisLabelCodec.Encode(["method", "code"], ["GET", "200"]).ShouldBe("{\"code\":\"200\",\"method\":\"GET\"}");
        RedisLabelCodec.Encode(["code", "method"], ["200", "GET"]).ShouldBe("{\"code\":\"200\",\"method\":\"GET\"}");
    }

    [Fact]
    public void Values_differing_only_in_an_unpaired_surrogate_get_different_fields()
    {
        var a = RedisLabelCodec.Encode(["k"], ["x\uD800"]);
        var b = RedisLabelCodec.Encode(["k"], ["x\uDBFF"]);
        a.ShouldBe("{\"k\":\"x\\ud800\"}");
        b.ShouldNotBe(a);
        // What reaches Redis is UTF-8: the escapes keep the two apart there too.
        System.Text.Encoding.UTF8.GetBytes(a).ShouldNotBe(System.Text.Encoding.UTF8.GetBytes(b));
    }

    [Theory]
    [InlineData("{\"a\":\"1\"}")] // another label set
    [InlineData("{\"b\":\"1\",\"a\":\"2\",\"a\":\"3\"}")]
    [InlineData("{\"b\":\"1\"")]
    [InlineData("{\"b\":1,\"a\":\"2\"}")]
    [InlineData("not json")]
    public void Other_or_malformed_label_sets_decode_to_null(string encoded) => RedisLabelCodec.Decode(encoded, ["b", "a"]).ShouldBeNull();
}
