using Pytheus.Metrics.Native;

namespace Pytheus.Tests.Metrics.Native;

/// <summary>
/// Bucket indexes as Prometheus defines them: at schema s, base = 2^(2^-s) and bucket i holds (base^(i-1), base^i].
/// </summary>
public class NativeSchemaTests
{
    [Theory]
    [InlineData(1.0, 0, 0)]
    [InlineData(2.0, 0, 1)]
    [InlineData(1.5, 0, 1)]
    [InlineData(3.0, 0, 2)]
    [InlineData(4.0, 0, 2)]
    [InlineData(0.5, 0, -1)]
    [InlineData(0.3, 0, -1)]
    [InlineData(0.25, 0, -2)]
    [InlineData(1.0, 3, 0)]
    [InlineData(2.0, 3, 8)]
    [InlineData(0.5, 3, -8)]
    [InlineData(1.0, -2, 0)]
    [InlineData(2.0, -2, 1)]
    [InlineData(16.0, -2, 1)]
    [InlineData(17.0, -2, 2)]
    [InlineData(0.0625, -2, -1)]
    [InlineData(0.07, -2, 0)]
    [InlineData(1.0, 8, 0)]
    [InlineData(2.0, 8, 256)]
    public void Powers_of_two_are_the_upper_bound_of_their_bucket(double value, int schema, int expected) =>
        NativeSchema.Index(value, schema).ShouldBe(expected);

    [Fact]
    public void Every_schema_agrees_with_the_definition_away_from_boundaries()
    {
        var random = new Random(17);
        for (var schema = NativeSchema.Min; schema <= NativeSchema.Max; schema++)
        {
            for (var n = 0; n < 20_000; n++)
            {
                var value = Math.Pow(2, random.NextDouble() * 80 - 40);
                var exact = Math.Log2(value) * Math.Pow(2, schema);
                if (Math.Abs(exact - Math.Round(exact)) < 1e-6)
                {
                    continue;
                }
                var index = NativeSchema.Index(value, schema);
                index.ShouldBe((int)Math.Ceiling(exact), $"value {value:R} at schema {schema}");
                NativeSchema.UpperBound(index, schema).ShouldBeGreaterThanOrEqualTo(value);
                NativeSchema.UpperBound(index - 1, schema).ShouldBeLessThan(value);
            }
        }
    }

    [Fact]
    public void Subnormals_max_value_and_infinity_have_indexes()
    {
        NativeSchema.Index(double.Epsilon, 0).ShouldBe(-1074);
        NativeSchema.Index(double.Epsilon, 3).ShouldBe(-1074 * 8);
        NativeSchema.Index(double.Epsilon * 3, 0).ShouldBe(-1072);
        NativeSchema.Index(double.MaxValue, 0).ShouldBe(1024);
        NativeSchema.Index(double.PositiveInfinity, 0).ShouldBe(1025);
        NativeSchema.Index(double.PositiveInfinity, 8).ShouldBe(NativeSchema.Index(double.MaxValue, 8) + 1);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 1, 1)]
    [InlineData(3, 1, 2)]
    [InlineData(0, 1, 0)]
    [InlineData(-1, 1, 0)]
    [InlineData(-2, 1, -1)]
    [InlineData(-3, 1, -1)]
    [InlineData(9, 3, 2)]
    [InlineData(8, 3, 1)]
    [InlineData(-8, 3, -1)]
    [InlineData(-9, 3, -1)]
    [InlineData(-16, 3, -2)]
    [InlineData(5, 0, 5)]
    public void Coarsen_is_the_ceiling_of_the_index_over_two_to_the_steps(int index, int steps, int expected) =>
        NativeSchema.Coarsen(index, steps).ShouldBe(expected);

    [Fact]
    public void Coarsening_an_index_gives_the_index_of_the_same_value_at_the_coarser_schema()
    {
        var random = new Random(5);
        for (var n = 0; n < 50_000; n++)
        {
            var value = Math.Pow(2, random.NextDouble() * 200 - 100);
            var fine = random.Next(NativeSchema.Min, NativeSchema.Max + 1);
            var coarse = random.Next(NativeSchema.Min, fine + 1);
            NativeSchema.Coarsen(NativeSchema.Index(value, fine), fine - coarse).ShouldBe(NativeSchema.Index(value, coarse), $"value {value:R}, {fine} -> {coarse}");
        }
        for (var k = -60; k <= 60; k++)
        {
            // Exact powers of two sit on boundaries of every schema: the mapping must keep them upper-inclusive.
            var value = Math.ScaleB(1, k);
            for (var fine = NativeSchema.Min; fine <= NativeSchema.Max; fine++)
            {
                for (var coarse = NativeSchema.Min; coarse <= fine; coarse++)
                {
                    NativeSchema.Coarsen(NativeSchema.Index(value, fine), fine - coarse).ShouldBe(NativeSchema.Index(value, coarse));
                }
            }
        }
    }

    [Theory]
    [InlineData(1.1, 3)]
    [InlineData(2.0, 0)]
    [InlineData(1.0905077326652577, 3)]
    [InlineData(1.09, 4)]
    [InlineData(1.001, 8)]
    [InlineData(4.0, -1)]
    [InlineData(1e9, -4)]
    public void A_bucket_factor_picks_the_coarsest_schema_within_it(double factor, int schema) =>
        NativeSchema.ForFactor(factor).ShouldBe(schema);
}
