using Pytheus.Metrics;

namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>
/// Chooses a setting of a redirected prometheus-net metric by its name — the <see cref="GaugeMode"/> of a gauge
/// (<see cref="PatchOptions.GaugeModes"/>), the native buckets of a histogram (<see cref="PatchOptions.NativeHistogramRules"/>):
/// an exact name beats a pattern, a longer pattern beats a shorter one; <c>*</c> matches any run of characters; no
/// match gives the default.
/// </summary>
/// <typeparam name="T">The setting.</typeparam>
internal sealed class MetricNameRules<T>
{
    private readonly (string Pattern, T Setting)[] _rules;
    private readonly T _default;

    public MetricNameRules(IEnumerable<KeyValuePair<string, T>> rules, T defaultSetting)
    {
        _rules = [.. rules.Select(r => (r.Key, r.Value)).OrderBy(r => r.Key.Contains('*', StringComparison.Ordinal)).ThenByDescending(r => r.Key.Length)];
        _default = defaultSetting;
    }

    public T For(string metricName)
    {
        foreach (var (pattern, setting) in _rules)
        {
            if (Matches(pattern, metricName))
            {
                return setting;
            }
        }
        return _default;
    }

    private static bool Matches(string pattern, string name)
    {
        var parts = pattern.Split('*');
        if (parts.Length == 1)
        {
            return string.Equals(pattern, name, StringComparison.Ordinal);
        }
        if (!name.StartsWith(parts[0], StringComparison.Ordinal) || !name.EndsWith(parts[^1], StringComparison.Ordinal)
            || name.Length < parts[0].Length + parts[^1].Length)
        {
            return false;
        }
        var position = parts[0].Length;
        var end = name.Length - parts[^1].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var found = name.IndexOf(parts[i], position, end - position, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }
            position = found + parts[i].Length;
        }
        return true;
    }
}
