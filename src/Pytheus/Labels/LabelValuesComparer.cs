namespace Pytheus.Labels;

/// <summary>Compares label value arrays element by element (ordinal), so a child is found by its values alone.</summary>
internal sealed class LabelValuesComparer : IEqualityComparer<string[]>, IComparer<IReadOnlyList<string>>
{
    public static readonly LabelValuesComparer Instance = new();

    public bool Equals(string[]? x, string[]? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }
        if (x is null || y is null || x.Length != y.Length)
        {
            return false;
        }
        for (var i = 0; i < x.Length; i++)
        {
            if (!string.Equals(x[i], y[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    public int GetHashCode(string[] values)
    {
        var hash = new HashCode();
        foreach (var value in values)
        {
            hash.Add(value, StringComparer.Ordinal);
        }
        return hash.ToHashCode();
    }

    public int Compare(IReadOnlyList<string>? x, IReadOnlyList<string>? y)
    {
        if (x is null || y is null)
        {
            return (x is null ? 0 : 1) - (y is null ? 0 : 1);
        }
        for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
        {
            var c = string.CompareOrdinal(x[i], y[i]);
            if (c != 0)
            {
                return c;
            }
        }
        return x.Count.CompareTo(y.Count);
    }
}
