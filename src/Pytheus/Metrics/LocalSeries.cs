using Pytheus.Backends;

namespace Pytheus.Metrics;

/// <summary>
/// A family's local series as collected: the children and their values, read at collection time into one flat array
/// (one allocation per family rather than a snapshot and an array per series) — or, for a scrape that writes at once
/// (<see cref="Live"/>), read from the stores while writing, which allocates nothing per series.
/// <see cref="SeriesSnapshot"/> objects are made only when asked for; the text format reads the children's cached label
/// text and the values directly.
/// </summary>
internal sealed class LocalSeries : IReadOnlyList<SeriesSnapshot>
{
    private SeriesSnapshot[]? _snapshots;

    private LocalSeries(Metric[] children, int stride, double[]? values)
    {
        Children = children;
        Stride = stride;
        Values = values;
    }

    /// <summary>Reads every child's values now.</summary>
    public static LocalSeries Capture(Metric[] children, int stride)
    {
        var values = new double[children.Length * stride];
        for (var i = 0; i < children.Length; i++)
        {
            children[i].ReadValues(values.AsSpan(i * stride, stride));
        }
        return new LocalSeries(children, stride, values);
    }

    /// <summary>Reads each child's values when it is written (or its snapshot made).</summary>
    public static LocalSeries Live(Metric[] children, int stride) => new(children, stride, null);

    public Metric[] Children { get; }

    /// <summary>Values per series (the family's value layout).</summary>
    public int Stride { get; }

    /// <summary>Series <c>i</c>'s values are at <c>[i * Stride, (i + 1) * Stride)</c>; null when <see cref="Live"/>.</summary>
    public double[]? Values { get; }

    /// <summary>Copies series <paramref name="index"/>'s values into <paramref name="destination"/>.</summary>
    public void ReadValues(int index, Span<double> destination)
    {
        if (Values is null)
        {
            Children[index].ReadValues(destination);
        }
        else
        {
            Values.AsSpan(index * Stride, Stride).CopyTo(destination);
        }
    }

    public int Count => Children.Length;

    public SeriesSnapshot this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Children.Length);
            var snapshots = _snapshots ??= new SeriesSnapshot[Children.Length];
            if (snapshots[index] is null)
            {
                // Native buckets first: read before the count, they never add up to more than it.
                var native = (Children[index] as Histogram)?.ReadNativeBuckets();
                var values = new double[Stride];
                ReadValues(index, values);
                snapshots[index] = new SeriesSnapshot(Children[index].ExpositionLabelValues, values)
                {
                    NativeBuckets = native,
                    Exemplars = ExemplarsOf(Children[index]),
                };
            }
            return snapshots[index]!;
        }
    }

    private Backends.ExemplarSample?[]? ExemplarsOf(Metric child)
    {
        Backends.ExemplarSample?[]? exemplars = null;
        for (var slot = 0; slot < Stride; slot++)
        {
            if (child.ExemplarAt(slot) is { } exemplar)
            {
                (exemplars ??= new Backends.ExemplarSample?[Stride])[slot] = exemplar;
            }
        }
        return exemplars;
    }

    public IEnumerator<SeriesSnapshot> GetEnumerator()
    {
        for (var i = 0; i < Children.Length; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
