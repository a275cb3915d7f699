using Pytheus.Exposition;

namespace Pytheus.Metrics;

/// <summary>Histogram bucket helpers.</summary>
public static class Buckets
{
    /// <summary>pytheus's (and Prometheus's) default upper bounds: .005 to 10 seconds.</summary>
    public static IReadOnlyList<double> Default { get; } = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>
    /// Checks user bounds (finite, strictly increasing; a trailing <c>+Inf</c> is allowed) and returns them with
    /// <c>+Inf</c> appended. Null or empty means <see cref="Default"/>.
    /// </summary>
    /// <exception cref="BucketException">The bounds are not finite and strictly increasing.</exception>
    public static double[] Normalize(string metricName, IEnumerable<double>? upperBounds)
    {
        var bounds = upperBounds?.ToList() ?? [];
        if (bounds.Count == 0)
        {
            bounds = [.. Default];
        }
        if (double.IsPositiveInfinity(bounds[^1]))
        {
            bounds.RemoveAt(bounds.Count - 1);
        }
        for (var i = 0; i < bounds.Count; i++)
        {
            if (!double.IsFinite(bounds[i]))
            {
                throw new BucketException($"Histogram '{metricName}': bucket bound {PrometheusFloat.Format(bounds[i])} at position {i} is not finite (only a last +Inf is allowed).", "buckets");
            }
            if (i > 0 && !(bounds[i] > bounds[i - 1]))
            {
                throw new BucketException(
                    $"Histogram '{metricName}': bucket bounds must be strictly increasing, but {PrometheusFloat.Format(bounds[i])} at position {i} follows {PrometheusFloat.Format(bounds[i - 1])}.", "buckets");
            }
        }
        bounds.Add(double.PositiveInfinity);
        return [.. bounds];
    }

    /// <summary><paramref name="count"/> bounds starting at <paramref name="start"/>, each <paramref name="width"/> apart.</summary>
    public static double[] Linear(double start, double width, int count) =>
        Enumerable.Range(0, count).Select(i => start + i * width).ToArray();

    /// <summary><paramref name="count"/> bounds starting at <paramref name="start"/>, each <paramref name="factor"/> times the last.</summary>
    public static double[] Exponential(double start, double factor, int count) =>
        Enumerable.Range(0, count).Select(i => start * Math.Pow(factor, i)).ToArray();
}
