namespace Pytheus.Backends.Redis;

/// <summary>One series' native histogram bucket fields as one scrape read them, each bucket once.</summary>
internal sealed class NativeBucketsRead
{
    private readonly Dictionary<NativeBucket, double> _counts = [];

    public void Set(NativeBucket bucket, double count) => _counts[bucket] = count;

    public NativeBucketCount[] Counts() => [.. _counts.Select(p => new NativeBucketCount(p.Key, p.Value))];
}
