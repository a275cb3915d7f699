namespace Pytheus.Backends.Redis;

/// <summary>Every registered writer and its liveness deadline, as Redis saw them at <see cref="NowMs"/> (Redis time, ms).</summary>
internal sealed class WriterSet
{
    public static readonly WriterSet Empty = new(0, new Dictionary<string, long>(StringComparer.Ordinal));

    public WriterSet(long nowMs, IReadOnlyDictionary<string, long> deadlinesMs)
    {
        NowMs = nowMs;
        DeadlinesMs = deadlinesMs;
    }

    public long NowMs { get; }

    /// <summary>Each writer's deadline: the Redis time after which, without a new heartbeat, it is dead.</summary>
    public IReadOnlyDictionary<string, long> DeadlinesMs { get; }

    /// <summary>Whether the writer's deadline has not passed.</summary>
    public bool IsLive(string writer) => DeadlinesMs.TryGetValue(writer, out var deadline) && NowMs <= deadline;

    /// <summary>Writers dead for longer than <paramref name="retention"/>: their data is to be removed.</summary>
    public IEnumerable<(string Writer, long DeadlineMs)> Expired(TimeSpan retention) =>
        DeadlinesMs.Where(p => NowMs - p.Value > (long)retention.TotalMilliseconds).Select(p => (p.Key, p.Value));

    /// <summary>Parses the heartbeat script's flat list of writers and deadlines.</summary>
    public static WriterSet Parse(long nowMs, StackExchange.Redis.RedisResult[] flat)
    {
        var writers = new Dictionary<string, long>(flat.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            writers[(string)flat[i]!] = (long)RedisNumber.Parse((StackExchange.Redis.RedisValue)flat[i + 1]);
        }
        return new WriterSet(nowMs, writers);
    }
}
