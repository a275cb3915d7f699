namespace Pytheus.Metrics.Quantiles;

/// <summary>Quantiles of merged sketch buckets: the same estimate whether the counts come from one process or many.</summary>
internal static class SketchQuery
{
    /// <summary>
    /// Writes, for each of <paramref name="objectives"/>, the estimate of the observation of rank ⌊q·(n−1)⌋ (0-based,
    /// the lower quantile) among the <c>n</c> counted: NaN when nothing is counted. <paramref name="counts"/> maps bucket
    /// ids to counts and may be modified (its zero counts are ignored).
    /// </summary>
    public static void Estimate(Dictionary<int, double> counts, IReadOnlyList<double> objectives, Span<double> destination)
    {
        var buckets = new List<KeyValuePair<int, double>>(counts.Count);
        var total = 0.0;
        foreach (var bucket in counts)
        {
            if (bucket.Value > 0)
            {
                buckets.Add(bucket);
                total += bucket.Value;
            }
        }
        buckets.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        for (var i = 0; i < objectives.Count; i++)
        {
            destination[i] = total == 0 ? double.NaN : At(buckets, Math.Floor(objectives[i] * (total - 1)));
        }
    }

    private static double At(List<KeyValuePair<int, double>> buckets, double rank)
    {
        var seen = 0.0;
        foreach (var (id, count) in buckets)
        {
            seen += count;
            if (seen > rank)
            {
                return LogBuckets.Value(id);
            }
        }
        return LogBuckets.Value(buckets[^1].Key);
    }
}
