using System.Globalization;
using Pytheus.Metrics;

namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>
/// The native buckets a patch gives redirected histograms: <see cref="PatchOptions.NativeHistograms"/> and
/// <see cref="PatchOptions.NativeHistogramRules"/> when the code sets either, else <c>PYTHEUS_NATIVE_HISTOGRAMS</c> for
/// every histogram, so that an application that only calls <c>PatchClient()</c> gains them with no code change. Checked
/// before anything is patched.
/// </summary>
internal sealed class NativeHistogramSettings
{
    public const string Variable = "PYTHEUS_NATIVE_HISTOGRAMS";

    private static readonly string[] Keys = ["schema", "bucket_factor", "zero_threshold", "max_bucket_count"];

    private NativeHistogramSettings(NativeHistogramOptions? everyHistogram, IEnumerable<KeyValuePair<string, NativeHistogramOptions?>> rules)
    {
        Rules = new MetricNameRules<NativeHistogramOptions?>(rules, everyHistogram);
        Any = everyHistogram is not null || rules.Any(r => r.Value is not null);
        Fingerprint = string.Join(";", rules.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}={Describe(r.Value)}").Prepend(Describe(everyHistogram)));
    }

    /// <summary>Equal for settings that bind every histogram alike.</summary>
    public string Fingerprint { get; }

    public MetricNameRules<NativeHistogramOptions?> Rules { get; }

    /// <summary>Whether some histogram is given native buckets.</summary>
    public bool Any { get; }

    /// <exception cref="BucketException">An option in <paramref name="options"/> is out of range; the message names the histogram (or pattern) and the option.</exception>
    /// <exception cref="InvalidOperationException">The environment variable cannot be read as native histogram options; the message quotes it.</exception>
    public static NativeHistogramSettings Resolve(PatchOptions options, Func<string, string?> environment)
    {
        if (options.NativeHistograms is not null || options.NativeHistogramRules.Count > 0)
        {
            options.NativeHistograms?.Validate("*");
            foreach (var (pattern, rule) in options.NativeHistogramRules)
            {
                rule?.Validate(pattern);
            }
            return new NativeHistogramSettings(options.NativeHistograms, [.. options.NativeHistogramRules]);
        }
        return new NativeHistogramSettings(Parse(environment(Variable)), []);
    }

    /// <summary>
    /// <c>on</c> (or <c>true</c>, <c>1</c>) for the defaults; <c>off</c> (or <c>false</c>, <c>0</c>, nothing) for none; or
    /// settings separated by commas, e.g. <c>schema=4,max_bucket_count=100</c>.
    /// </summary>
    private static NativeHistogramOptions? Parse(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        switch (trimmed.ToLowerInvariant())
        {
            case "" or "off" or "false" or "0":
                return null;
            case "on" or "true" or "1":
                return new NativeHistogramOptions();
        }
        int? schema = null;
        double? factor = null;
        var zeroThreshold = NativeHistogramOptions.DefaultZeroThreshold;
        var maxBuckets = NativeHistogramOptions.DefaultMaxBucketCount;
        foreach (var setting in trimmed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = setting.IndexOf('=');
            var key = equals > 0 ? setting[..equals].Trim().ToLowerInvariant() : setting;
            var value = equals > 0 ? setting[(equals + 1)..].Trim() : "";
            switch (key)
            {
                case "schema": schema = Number(trimmed, key, value, int.Parse); break;
                case "bucket_factor": factor = Number(trimmed, key, value, double.Parse); break;
                case "zero_threshold": zeroThreshold = Number(trimmed, key, value, double.Parse); break;
                case "max_bucket_count": maxBuckets = Number(trimmed, key, value, int.Parse); break;
                default: throw Bad(trimmed, $"'{setting}' is not a setting; use on, off, or {string.Join(", ", Keys.Select(k => k + "=<number>"))}");
            }
        }
        var options = new NativeHistogramOptions { Schema = schema, BucketFactor = factor, ZeroThreshold = zeroThreshold, MaxBucketCount = maxBuckets };
        return options.Problem() is { } problem ? throw Bad(trimmed, problem.Text) : options;
    }

    private static string Describe(NativeHistogramOptions? options) => options?.ToString() ?? "classic";

    private static T Number<T>(string text, string key, string value, Func<string, IFormatProvider, T> parse)
    {
        try
        {
            return parse(value, CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            throw Bad(text, $"{key} '{value}' is not a number");
        }
        catch (OverflowException)
        {
            throw Bad(text, $"{key} '{value}' is out of range");
        }
    }

    private static InvalidOperationException Bad(string text, string problem) =>
        new($"{Variable}='{text}': {problem}. Nothing was patched.");
}
