namespace Pytheus.Labels;

/// <summary>Prometheus's naming rules for metrics and labels.</summary>
public static class NameRules
{
    /// <summary>Whether <paramref name="name"/> matches <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</summary>
    public static bool IsValidMetricName(string? name)
    {
        if (string.IsNullOrEmpty(name) || !(IsLetterOrUnderscore(name[0]) || name[0] == ':'))
        {
            return false;
        }
        foreach (var c in name.AsSpan(1))
        {
            if (!(IsLetterOrUnderscore(c) || IsDigit(c) || c == ':'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether <paramref name="name"/> matches <c>[a-zA-Z_][a-zA-Z0-9_]*</c> and does not start with <c>__</c>.</summary>
    public static bool IsValidLabelName(string? name)
    {
        if (string.IsNullOrEmpty(name) || !IsLetterOrUnderscore(name[0]) || name.StartsWith("__", StringComparison.Ordinal))
        {
            return false;
        }
        foreach (var c in name.AsSpan(1))
        {
            if (!(IsLetterOrUnderscore(c) || IsDigit(c)))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsLetterOrUnderscore(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_';

    private static bool IsDigit(char c) => c is >= '0' and <= '9';
}
