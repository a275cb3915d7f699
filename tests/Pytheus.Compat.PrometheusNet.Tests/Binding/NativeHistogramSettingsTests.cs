using Pytheus.Compat.PrometheusNet.Binding;
using Pytheus.Metrics;

namespace Pytheus.Compat.PrometheusNet.Tests.Binding;

/// <summary>Native buckets from PatchOptions or, with no code change, from PYTHEUS_NATIVE_HISTOGRAMS; bad values refused up front.</summary>
public class NativeHistogramSettingsTests
{
    [Theory]
    [InlineData("on", NativeHistogramOptions.DefaultSchema, NativeHistogramOptions.DefaultMaxBucketCount, NativeHistogramOptions.DefaultZeroThreshold)]
    [InlineData(" TRUE ", NativeHistogramOptions.DefaultSchema, NativeHistogramOptions.DefaultMaxBucketCount, NativeHistogramOptions.DefaultZeroThreshold)]
    [InlineData("schema=4, max_bucket_count=100", 4, 100, NativeHistogramOptions.DefaultZeroThreshold)]
    [InlineData("bucket_factor=1.1,zero_threshold=1e-9", 3, NativeHistogramOptions.DefaultMaxBucketCount, 1e-9)]
    [InlineData("Schema=-2,MAX_BUCKET_COUNT=0", -2, 0, NativeHistogramOptions.DefaultZeroThreshold)]
    public void The_environment_gives_every_histogram_native_buckets(string text, int schema, int maxBuckets, double zeroThreshold)
    {
        var settings = NativeHistogramSettings.Resolve(new PatchOptions(), Environment(text));

        settings.Any.ShouldBeTrue();
        var options = settings.Rules.For("any_histogram_seconds").ShouldNotBeNull();
        (options.EffectiveSchema, options.MaxBucketCount, options.ZeroThreshold).ShouldBe((schema, maxBuckets, zeroThreshold));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("off")]
    [InlineData("false")]
    [InlineData("0")]
    public void Unset_or_off_gives_none(string? text)
    {
        var settings = NativeHistogramSettings.Resolve(new PatchOptions(), Environment(text));

        settings.Any.ShouldBeFalse();
        settings.Rules.For("any_histogram_seconds").ShouldBeNull();
    }

    [Fact]
    public void Options_set_in_code_win_over_the_environment()
    {
        var options = new PatchOptions { NativeHistogramRules = { ["classic_*"] = null } };

        var settings = NativeHistogramSettings.Resolve(options, Environment("schema=1"));

        settings.Any.ShouldBeFalse();
        settings.Rules.For("classic_seconds").ShouldBeNull();
        settings.Rules.For("other_seconds").ShouldBeNull();
    }

    [Theory]
    [InlineData("schema=99", "PYTHEUS_NATIVE_HISTOGRAMS='schema=99': schema 99 is outside -4..8. Nothing was patched.")]
    [InlineData("schema=abc", "PYTHEUS_NATIVE_HISTOGRAMS='schema=abc': schema 'abc' is not a number. Nothing was patched.")]
    [InlineData("scheme=3", "PYTHEUS_NATIVE_HISTOGRAMS='scheme=3': 'scheme=3' is not a setting; use on, off, or schema=<number>, bucket_factor=<number>, zero_threshold=<number>, max_bucket_count=<number>. Nothing was patched.")]
    [InlineData("schema=2,bucket_factor=1.5", "PYTHEUS_NATIVE_HISTOGRAMS='schema=2,bucket_factor=1.5': give a schema (2) or a bucket factor (1.5), not both. Nothing was patched.")]
    [InlineData("max_bucket_count=99999999999", "PYTHEUS_NATIVE_HISTOGRAMS='max_bucket_count=99999999999': max_bucket_count '99999999999' is out of range. Nothing was patched.")]
    public void A_bad_environment_value_is_refused_with_the_value_quoted(string text, string message)
    {
        Should.Throw<InvalidOperationException>(() => NativeHistogramSettings.Resolve(new PatchOptions(), Environment(text))).Message.ShouldBe(message);
    }

    [Fact]
    public void Bad_options_in_code_are_refused_naming_the_rule_and_the_option()
    {
        var options = new PatchOptions { NativeHistogramRules = { ["http_*"] = new NativeHistogramOptions { ZeroThreshold = -1 } } };

        var error = Should.Throw<BucketException>(() => NativeHistogramSettings.Resolve(options, Environment(null)));

        error.Message.ShouldStartWith("Histogram 'http_*': native histogram zero threshold -1 must be a finite number of at least 0.");
        error.ParamName.ShouldBe("nativeHistogram.ZeroThreshold");
    }

    private static Func<string, string?> Environment(string? value) =>
        name => name == NativeHistogramSettings.Variable ? value : null;
}
