using System.Globalization;
using System.Text;
using Pytheus.Backends.Redis;

namespace Pytheus.Redis.Tests.Reading;

public class Utf8KeyedTableTests
{
    [Fact]
    public void Keys_are_found_by_their_bytes_through_growth_removal_and_reuse_of_freed_entries()
    {
        var table = new Utf8KeyedTable<int>();
        var keys = Enumerable.Range(0, 1000).Select(i => Encoding.UTF8.GetBytes("v|{\"id\":\"" + i.ToString(CultureInfo.InvariantCulture) + "\"}")).ToArray();
        for (var i = 0; i < keys.Length; i++)
        {
            table.TryAdd(keys[i], i).ShouldBeTrue();
        }
        table.TryAdd(keys[7].ToArray(), -1).ShouldBeFalse();
        table.Count.ShouldBe(1000);

        table.RemoveWhere(value => value % 2 == 0);
        table.Remove(keys[1].AsSpan()).ShouldBeTrue();
        table.Remove(keys[1].AsSpan()).ShouldBeFalse();
        table.Count.ShouldBe(499);
        for (var i = 0; i < keys.Length; i++)
        {
            // Looked up with a copy: equal bytes, not the same array.
            table.TryGetValue(keys[i].ToArray(), out var value).ShouldBe(i % 2 == 1 && i != 1);
            if (i % 2 == 1 && i != 1)
            {
                value.ShouldBe(i);
            }
        }

        for (var i = 0; i < keys.Length; i += 2)
        {
            table.TryAdd(keys[i], i + 10_000).ShouldBeTrue();
        }
        table.Count.ShouldBe(999);
        table.TryGetValue(keys[998], out var readded).ShouldBeTrue();
        readded.ShouldBe(10_998);
        table.TryGetValue("v|{}"u8, out _).ShouldBeFalse();
        table.TryGetValue([], out _).ShouldBeFalse();
    }
}
