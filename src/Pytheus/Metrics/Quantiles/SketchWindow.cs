using Pytheus.Backends;

namespace Pytheus.Metrics.Quantiles;

/// <summary>
/// One time window of a series' sketch: a count store per bucket id, created on first use. The stores sit in pages of
/// 64 created on demand, so a window costs what its values touch (a latency spread over three decades: a few pages);
/// finding an existing store takes two reads and no lock.
/// </summary>
internal sealed class SketchWindow(long index)
{
    private const int PageBits = 6;
    private const int PageSize = 1 << PageBits;
    private static readonly int PageCount = (2 * LogBuckets.Span + PageSize) / PageSize;

    private readonly IValueStore?[]?[] _pages = new IValueStore?[PageCount][];

    public long Index { get; } = index;

    /// <summary>The store of bucket <paramref name="id"/>, or null before its first observation.</summary>
    public IValueStore? Find(int id)
    {
        var slot = id + LogBuckets.Span;
        var page = Volatile.Read(ref _pages[slot >> PageBits]);
        return page is null ? null : Volatile.Read(ref page[slot & (PageSize - 1)]);
    }

    /// <summary>Publishes the store of bucket <paramref name="id"/>. Caller holds the sketch's lock.</summary>
    public void Add(int id, IValueStore store)
    {
        var slot = id + LogBuckets.Span;
        var page = _pages[slot >> PageBits];
        if (page is null)
        {
            page = new IValueStore?[PageSize];
            Volatile.Write(ref _pages[slot >> PageBits], page);
        }
        Volatile.Write(ref page[slot & (PageSize - 1)], store);
    }

    /// <summary>Adds this window's counts, as this process sees them, to <paramref name="counts"/>.</summary>
    public void AddCountsTo(Dictionary<int, double> counts)
    {
        for (var p = 0; p < _pages.Length; p++)
        {
            if (Volatile.Read(ref _pages[p]) is not { } page)
            {
                continue;
            }
            for (var i = 0; i < page.Length; i++)
            {
                if (Volatile.Read(ref page[i]) is { } store)
                {
                    var id = (p << PageBits) + i - LogBuckets.Span;
                    counts[id] = counts.GetValueOrDefault(id) + store.Get();
                }
            }
        }
    }
}
