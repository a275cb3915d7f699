namespace Pytheus.Exposition.Protobuf;

/// <summary>
/// One side of a native histogram as the protobuf format carries it: runs of consecutive buckets (spans: the gap from
/// the previous run's end, or the first index, and the run's length) and each bucket's count as the difference from the
/// bucket before it (the first from zero).
/// </summary>
internal readonly struct NativeSpans
{
    private NativeSpans((int Offset, uint Length)[] spans, long[] deltas)
    {
        Spans = spans;
        Deltas = deltas;
    }

    public (int Offset, uint Length)[] Spans { get; }

    public long[] Deltas { get; }

    /// <summary>One span of no bucket: how a native histogram without any bucket still shows it is native.</summary>
    public static NativeSpans EmptySpan { get; } = new([(0, 0)], []);

    /// <summary>Spans and deltas of <paramref name="buckets"/> (index and count, by increasing index, none empty).</summary>
    public static NativeSpans Of(KeyValuePair<int, double>[] buckets)
    {
        var spans = new List<(int Offset, uint Length)>();
        var deltas = new long[buckets.Length];
        var previousCount = 0L;
        var nextIndex = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            var (index, count) = (buckets[i].Key, (long)buckets[i].Value);
            if (i == 0 || index != nextIndex)
            {
                spans.Add((i == 0 ? index : index - nextIndex, 1));
            }
            else
            {
                spans[^1] = (spans[^1].Offset, spans[^1].Length + 1);
            }
            nextIndex = index + 1;
            deltas[i] = count - previousCount;
            previousCount = count;
        }
        return new NativeSpans([.. spans], deltas);
    }
}
