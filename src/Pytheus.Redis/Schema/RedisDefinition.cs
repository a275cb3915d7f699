using System.Security.Cryptography;
using System.Text;
using Pytheus.Exposition;
using Pytheus.Metrics;

namespace Pytheus.Backends.Redis;

/// <summary>
/// What a metric's numbers mean — its type, its label names (sorted: label order does not change a series) and its
/// bucket bounds, for native buckets their zero threshold (bucket fields carry their own schema), a summary's quantile
/// objectives and window — as text and as a short id. The id is part of the family's Redis key, so two processes that define
/// the same name differently (a counter and a gauge, other buckets, other labels) never add into one number. Help text
/// and default label values do not change what a number means and are left out.
/// </summary>
internal sealed class RedisDefinition
{
    private RedisDefinition(string id, string text)
    {
        Id = id;
        Text = text;
    }

    /// <summary>Type and hash, e.g. <c>histogram-5f3a09c2</c>.</summary>
    public string Id { get; }

    /// <summary>e.g. <c>{"type":"histogram","labels":["code","method"],"buckets":["0.1","1","+Inf"]}</c>.</summary>
    public string Text { get; }

    public static RedisDefinition Of(MetricDefinition family)
    {
        var type = family.Type.ToString().ToLowerInvariant();
        var labels = family.LabelNames.Order(StringComparer.Ordinal).Select(Quote);
        var text = new StringBuilder("{\"type\":\"").Append(type).Append("\",\"labels\":[").AppendJoin(',', labels).Append(']');
        if (family.UpperBounds.Count > 0)
        {
            text.Append(",\"buckets\":[").AppendJoin(',', family.UpperBounds.Select(b => Quote(PrometheusFloat.Format(b)))).Append(']');
        }
        if (family.NativeHistogram is { } native)
        {
            text.Append(",\"native\":{\"zero_threshold\":").Append(Quote(PrometheusFloat.Format(native.ZeroThreshold))).Append('}');
        }
        if (family.Quantiles is { } quantiles)
        {
            // The window length names the sketch's windows: processes must agree on it to add their counts.
            text.Append(",\"objectives\":[").AppendJoin(',', quantiles.Objectives.Select(q => Quote(PrometheusFloat.Format(q))))
                .Append("],\"max_age_ms\":").Append((long)quantiles.MaxAge.TotalMilliseconds)
                .Append(",\"age_buckets\":").Append(quantiles.AgeBuckets);
        }
        var json = text.Append('}').ToString();
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)), 0, 4).ToLowerInvariant();
        return new RedisDefinition($"{type}-{hash}", json);
    }

    // Label names are [a-zA-Z_][a-zA-Z0-9_]*: nothing to escape.
    private static string Quote(string name) => "\"" + name + "\"";
}
