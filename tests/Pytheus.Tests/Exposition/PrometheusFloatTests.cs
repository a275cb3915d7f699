using Pytheus.Exposition;

namespace Pytheus.Tests.Exposition;

/// <summary>Values print as Go's <c>strconv.FormatFloat(v, 'g', -1, 64)</c>, i.e. as Prometheus prints them.</summary>
public class PrometheusFloatTests
{
    public static TheoryData<double, string> Table => new()
    {
        { 0, "0" },
        { 1, "1" },
        { -1, "-1" },
        { 0.4, "0.4" },
        { 2.5, "2.5" },
        { -1.5, "-1.5" },
        { 0.1 + 0.2, "0.30000000000000004" },
        { 1e-05, "1e-05" },
        { 1.5e-05, "1.5e-05" },
        { 0.0001, "0.0001" },
        { 0.00012345, "0.00012345" },
        { 123456, "123456" },
        { 999999, "999999" },
        { 123456.7, "123456.7" },
        { 1e6, "1e+06" },
        { 1234567, "1.234567e+06" },
        { 12345678.9, "1.23456789e+07" },
        { 1e15, "1e+15" },
        { 9007199254740992, "9.007199254740992e+15" },
        { 1e21, "1e+21" },
        { 1e100, "1e+100" },
        { -2.5e-7, "-2.5e-07" },
        { -0.0, "-0" },
        { double.PositiveInfinity, "+Inf" },
        { double.NegativeInfinity, "-Inf" },
        { double.NaN, "NaN" },
        { double.MaxValue, "1.7976931348623157e+308" },
        { double.MinValue, "-1.7976931348623157e+308" },
        { double.Epsilon, "5e-324" },
        { 1e-320, "1e-320" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Formats_like_Go(double value, string expected)
    {
        PrometheusFloat.Format(value).ShouldBe(expected);
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void The_span_overload_writes_the_same_text(double value, string expected)
    {
        Span<char> buffer = stackalloc char[PrometheusFloat.MaxLength];

        var written = PrometheusFloat.Format(value, buffer);

        buffer[..written].ToString().ShouldBe(expected);
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void The_text_round_trips(double value, string expected)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            return;
        }

        var parsed = double.Parse(expected, System.Globalization.CultureInfo.InvariantCulture);

        parsed.ShouldBe(value);
        double.IsNegative(parsed).ShouldBe(double.IsNegative(value));
    }

    [Fact]
    public void Does_not_depend_on_the_current_culture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");

            PrometheusFloat.Format(0.5).ShouldBe("0.5");
            PrometheusFloat.Format(1234567).ShouldBe("1.234567e+06");
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }
}
