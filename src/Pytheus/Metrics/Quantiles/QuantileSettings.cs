using System.Globalization;

namespace Pytheus.Metrics.Quantiles;

/// <summary>
/// A summary's quantile objectives and sliding time window, validated: observations count in the window of their time
/// (windows of <c>MaxAge / AgeBuckets</c>, numbered from the Unix epoch so that every process agrees), and a quantile
/// covers the current window and the <c>AgeBuckets − 1</c> before it — as prometheus-net's and Go's summaries do.
/// </summary>
internal sealed class QuantileSettings
{
    /// <summary>prometheus-net's and Go's default: observations older than 10 minutes stop counting.</summary>
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromMinutes(10);

    /// <summary>prometheus-net's and Go's default number of windows in <see cref="DefaultMaxAge"/>.</summary>
    public const int DefaultAgeBuckets = 5;

    /// <summary>The most windows a summary may keep (each is stored per series).</summary>
    public const int MaxAgeBuckets = 1000;

    private QuantileSettings(double[] objectives, TimeSpan maxAge, int ageBuckets)
    {
        Objectives = objectives;
        MaxAge = maxAge;
        AgeBuckets = ageBuckets;
        WindowMilliseconds = (long)(maxAge.TotalMilliseconds / ageBuckets);
    }

    public IReadOnlyList<double> Objectives { get; }

    public TimeSpan MaxAge { get; }

    public int AgeBuckets { get; }

    public long WindowMilliseconds { get; }

    /// <summary>The window a time falls in.</summary>
    public long WindowOf(DateTimeOffset time) => Math.DivRem(time.ToUnixTimeMilliseconds(), WindowMilliseconds, out var remainder) - (remainder < 0 ? 1 : 0);

    /// <summary>Whether a window still counts when <paramref name="current"/> is the current one.</summary>
    public bool Counts(long window, long current) => window > current - AgeBuckets && window <= current;

    /// <summary>
    /// Validates the arguments of a summary; null without objectives (then <paramref name="maxAge"/> and
    /// <paramref name="ageBuckets"/> must be absent too, or they would silently do nothing).
    /// </summary>
    /// <exception cref="InvalidMetricValueException">An objective is outside [0, 1], NaN or repeated; the age is not positive; the window count is out of range.</exception>
    public static QuantileSettings? Create(string name, IEnumerable<double>? objectives, TimeSpan? maxAge, int? ageBuckets)
    {
        var list = objectives?.ToArray() ?? [];
        if (list.Length == 0)
        {
            if (maxAge is not null || ageBuckets is not null)
            {
                throw new InvalidMetricValueException($"Summary '{name}': maxAge and ageBuckets need quantile objectives.");
            }
            return null;
        }
        foreach (var q in list)
        {
            if (!(q >= 0 && q <= 1))
            {
                throw new InvalidMetricValueException($"Summary '{name}': quantile objective {Format(q)} is not between 0 and 1.", nameof(objectives));
            }
        }
        if (list.GroupBy(q => q).FirstOrDefault(g => g.Count() > 1) is { } repeated)
        {
            throw new InvalidMetricValueException($"Summary '{name}': quantile objective {Format(repeated.Key)} is given twice.", nameof(objectives));
        }
        var age = maxAge ?? DefaultMaxAge;
        var buckets = ageBuckets ?? DefaultAgeBuckets;
        if (buckets is < 1 or > MaxAgeBuckets)
        {
            throw new InvalidMetricValueException($"Summary '{name}': ageBuckets {buckets} must be between 1 and {MaxAgeBuckets}.", nameof(ageBuckets));
        }
        if (age.TotalMilliseconds / buckets < 1)
        {
            throw new InvalidMetricValueException(
                $"Summary '{name}': maxAge {age} must be positive and at least 1 ms per age bucket ({buckets}).", nameof(maxAge));
        }
        Array.Sort(list);
        return new QuantileSettings(list, age, buckets);
    }

    internal bool SameAs(QuantileSettings? other) =>
        other is not null && Objectives.SequenceEqual(other.Objectives) && MaxAge == other.MaxAge && AgeBuckets == other.AgeBuckets;

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
