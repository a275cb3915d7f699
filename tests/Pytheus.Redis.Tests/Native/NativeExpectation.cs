using Pytheus.Metrics.Native;

namespace Pytheus.Redis.Tests.Native;

/// <summary>What a native histogram must expose for known observations: computed from the values, not from the code under test's stores.</summary>
internal sealed class NativeExpectation
{
    private readonly List<double> _values = [];

    public void Add(double value, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            _values.Add(value);
        }
    }

    public long Count => _values.Count;

    public double Sum => _values.Sum();

    public long ZeroCount(double threshold) => _values.Count(v => Math.Abs(v) <= threshold);

    /// <summary>(index, count) per bucket of one side at <paramref name="schema"/>, by increasing index.</summary>
    public List<(int Index, long Count)> Side(int schema, bool negative, double threshold) =>
        [.. _values.Where(v => Math.Abs(v) > threshold && (v < 0) == negative)
            .GroupBy(v => NativeSchema.Index(Math.Abs(v), schema))
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, (long)g.Count()))];

    /// <summary>
    /// The schema a process configured with <paramref name="schema"/> and <paramref name="maxBuckets"/> ends at after
    /// observing <paramref name="values"/>: the finest one, not above the configured one, at which they fit.
    /// </summary>
    public static int SchemaAfter(IEnumerable<double> values, int schema, int maxBuckets, double threshold)
    {
        var list = values.Where(v => Math.Abs(v) > threshold).ToList();
        while (maxBuckets > 0 && schema > NativeSchema.Min
            && list.Select(v => (v < 0, NativeSchema.Index(Math.Abs(v), schema))).Distinct().Count() > maxBuckets)
        {
            schema--;
        }
        return schema;
    }
}
