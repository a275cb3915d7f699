using System.Globalization;
using Pytheus.Exposition;
using Pytheus.Metrics;
using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>
/// Names of keys and hash fields (documented in <c>docs/redis-backend.md</c>):
/// <list type="bullet">
/// <item><c>&lt;prefix&gt;:{&lt;metric&gt;}:&lt;definition id&gt;</c> — HASH of one metric family as defined one way:
/// one field per stored number of every series (<c>&lt;slot&gt;|&lt;labels&gt;</c>, e.g.
/// <c>v|{"code":"200","method":"GET"}</c>, <c>le=0.5|{}</c>, <c>sum|{}</c>; a native histogram's zero bucket
/// <c>nh:zero|{}</c> and sparse buckets <c>nh:&lt;p|n&gt;:&lt;schema&gt;:&lt;index&gt;|{}</c>, e.g. <c>nh:p:3:-12|{}</c>;
/// a summary's quantile sketch counts <c>q=&lt;window&gt;:&lt;bucket&gt;|&lt;labels&gt;</c>; the latest exemplar of a
/// counter or bucket is the number's field behind an <c>x</c>, e.g. <c>xv|{"code":"200"}</c>), plus the protocol's own fields, which start
/// with <c>@</c>: <c>@epoch</c> (the incarnation of the hash) and <c>@w|&lt;writer&gt;</c> (the last batch sequence number
/// each writer applied), so that the sequence lives exactly as long as the data it guards.</item>
/// <item><c>&lt;prefix&gt;:{&lt;metric&gt;}:defs</c> — HASH, definition id → "&lt;unix time last written&gt; &lt;definition&gt;",
/// to detect processes that define the name differently.</item>
/// </list>
/// The <c>{metric}</c> hash tag keeps a metric's keys in one Redis Cluster slot, so one script can update them atomically.
/// </summary>
internal static class RedisKeySchema
{
    public const string ValueSlot = "v";
    public const string SumSlot = "sum";
    public const string CountSlot = "count";
    public const string NativeZeroSlot = "nh:zero";

    /// <summary>Every native histogram slot starts with this.</summary>
    public const string NativePrefix = "nh:";

    /// <summary>
    /// A removal standing for every native bucket field of one series (<c>nh:*|&lt;labels&gt;</c>): which buckets exist
    /// is known only to Redis, so the apply script finds them.
    /// </summary>
    public const string NativeBucketsRemovalPrefix = "nh:*|";
    public const char SlotSeparator = '|';

    /// <summary>Start of the fields holding a summary's sketch counts (<c>q=&lt;window&gt;:&lt;bucket&gt;|&lt;labels&gt;</c>).</summary>
    public const string SketchSlotPrefix = "q=";

    /// <summary>
    /// Put before a number's field, names the field of its latest exemplar (<c>xv|{"code":"200"}</c>,
    /// <c>xle=0.5|{}</c>), holding <c>&lt;unix seconds&gt; &lt;JSON: value and labels&gt;</c>.
    /// </summary>
    public const char ExemplarFieldMarker = 'x';

    /// <summary>Start of a removal that stands for every sketch field of one series (followed by its label text).</summary>
    public const string SketchRemovalMarker = "~";

    /// <summary>Fields of the protocol (not numbers) start with this; no slot name does.</summary>
    public const char ProtocolFieldMarker = '@';

    public const string EpochField = "@epoch";

    public static RedisKey DataKey(string prefix, string metricName, RedisDefinition definition) =>
        $"{prefix}:{{{metricName}}}:{definition.Id}";

    public static RedisKey DefinitionsKey(string prefix, string metricName) => $"{prefix}:{{{metricName}}}:defs";

    /// <summary>The field holding the last batch sequence number <paramref name="writerId"/> applied to a family.</summary>
    public static string WriterField(string writerId) => "@w|" + writerId;

    public static string Field(string slot, string labelsText) => slot + SlotSeparator + labelsText;

    /// <summary>The field of one count of a summary's quantile sketch.</summary>
    public static string SketchField(SketchBucket bucket, string labelsText) =>
        string.Create(CultureInfo.InvariantCulture, $"{SketchSlotPrefix}{bucket.Window}:{bucket.Bucket}{SlotSeparator}{labelsText}");

    /// <summary>The slot of a native histogram bucket: <c>nh:p:3:-12</c> (positive side, schema 3, index -12).</summary>
    public static string NativeSlot(NativeBucket bucket) =>
        string.Create(CultureInfo.InvariantCulture, $"{NativePrefix}{(bucket.IsNegative ? 'n' : 'p')}:{bucket.Schema}:{bucket.Index}");

    /// <summary>Reads a slot written by <see cref="NativeSlot"/>; false for any other text.</summary>
    public static bool TryParseNativeSlot(ReadOnlySpan<char> slot, out NativeBucket bucket)
    {
        bucket = default;
        if (!slot.StartsWith(NativePrefix) || slot.Length < 8 || slot[4] != ':' || slot[3] is not ('p' or 'n'))
        {
            return false;
        }
        var rest = slot[5..];
        var colon = rest.IndexOf(':');
        if (colon < 0
            || !int.TryParse(rest[..colon], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var schema)
            || !int.TryParse(rest[(colon + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index)
            || schema is < -4 or > 8)
        {
            return false;
        }
        bucket = new NativeBucket(schema, index, slot[3] == 'n');
        return true;
    }

    /// <summary>The slot name of each stored number of a family, in its value layout.</summary>
    public static string[] SlotNames(MetricDefinition family)
    {
        var slots = new string[family.ValueLayout.Count];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = family.ValueLayout[i] switch
            {
                ValueKind.Bucket => "le=" + PrometheusFloat.Format(family.UpperBounds[i]),
                ValueKind.Sum => SumSlot,
                ValueKind.Count => CountSlot,
                // Never stored: computed from the sketch fields when read.
                ValueKind.Quantile => "quantile=" + PrometheusFloat.Format(family.Quantiles!.Objectives[i - 2]),
                ValueKind.NativeZeroCount => NativeZeroSlot,
                _ => ValueSlot,
            };
        }
        return slots;
    }
}
