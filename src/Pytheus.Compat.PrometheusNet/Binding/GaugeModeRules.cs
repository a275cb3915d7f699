using Pytheus.Metrics;

namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>
/// Chooses the <see cref="GaugeMode"/> of a redirected prometheus-net gauge from <see cref="PatchOptions.GaugeModes"/>:
/// an exact name beats a pattern, a longer pattern beats a shorter one; <c>*</c> matches any run of characters.
/// </summary>
internal sealed class GaugeModeRules
{
    private readonly (string Pattern, GaugeMode Mode)[] _rules;
    private readonly GaugeMode _default;

    public GaugeModeRules(IEnumerable<KeyValuePair<string, GaugeMode>> rules, GaugeMode defaultMode)
    {
        _rules = [.. rules.Select(r => (r.Key, r.Value)).OrderBy(r => r.Key.Contains('*', StringComparison.Ordinal)).ThenByDescending(r => r.Key.Length)];
        _default = defaultMode;
    }

    public GaugeMode ModeOf(string metricName)
    {
        foreach (var (pattern, mode) in _rules)
        {
            if (Matches(pattern, metricName))
            {
                return mode;
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
