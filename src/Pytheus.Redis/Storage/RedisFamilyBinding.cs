using Pytheus.Metrics;

namespace Pytheus.Backends.Redis;

/// <summary>
/// One <see cref="MetricDefinition"/> object bound to the Redis hash of its name and definition: where its cells live
/// (shared with every other family object of the same name and definition — another registry, another prefix) and how
/// its scrapes are read (its own label order).
/// </summary>
internal sealed class RedisFamilyBinding
{
    private readonly int[] _labelOrder;
    private EncodedLabels? _last;

    public RedisFamilyBinding(MetricDefinition family, RedisFamilyState state)
    {
        Family = family;
        State = state;
        SlotNames = RedisKeySchema.SlotNames(family);
        StoredSlotNames = SlotNames.Where((_, i) => family.ValueLayout[i] != ValueKind.Quantile).ToArray();
        _labelOrder = RedisLabelCodec.SortedOrder(family.LabelNames);
        Reader = new RedisFamilyReader(family, SlotNames, state);
        state.AddReader(Reader);
    }

    public MetricDefinition Family { get; }

    public RedisFamilyState State { get; }

    public RedisFamilyReader Reader { get; }

    public string[] SlotNames { get; }

    /// <summary>The slots that have a hash field (a summary's quantiles are computed, not stored).</summary>
    public string[] StoredSlotNames { get; }

    /// <summary>
    /// The canonical label text of a series. The stores of one series are created one after the other with the same
    /// label array (a histogram asks once per bucket), so the last encoding is kept and reused.
    /// </summary>
    public string EncodeLabels(string[] labelValues)
    {
        if (SlotNames.Length == 1)
        {
            return RedisLabelCodec.Encode(Family.LabelNames, labelValues, _labelOrder);
        }
        if (Volatile.Read(ref _last) is { } last && ReferenceEquals(last.Values, labelValues))
        {
            return last.Text;
        }
        var text = RedisLabelCodec.Encode(Family.LabelNames, labelValues, _labelOrder);
        Volatile.Write(ref _last, new EncodedLabels(labelValues, text));
        return text;
    }

    private sealed record EncodedLabels(string[] Values, string Text);
}
