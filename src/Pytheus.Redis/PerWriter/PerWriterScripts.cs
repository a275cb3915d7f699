namespace Pytheus.Backends.Redis;

/// <summary>The Lua scripts of per-writer gauges and writer liveness. Times are Redis's own clock, in milliseconds, so hosts' clocks never matter.</summary>
internal static class PerWriterScripts
{
    /// <summary>
    /// KEYS[1] = the writers sorted set; ARGV[1] = this writer's id, ARGV[2] = the set's TTL in ms, ARGV[3] = this
    /// writer's liveness timeout in ms. Records the writer's deadline (now + its timeout: each writer says how long its
    /// silence may last, from its own flush interval) and returns { now, 1 if the writer was not registered (it was
    /// taken for dead and cleaned up, or Redis lost its data), every writer and its deadline as a flat list, the deadline
    /// the set held for this writer before (-1 if none), the deadline written now }. A previous deadline below the last one
    /// the writer knows it wrote means Redis went back in time (restarted from an older snapshot).
    /// </summary>
    public const string Heartbeat = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local deadline = now + tonumber(ARGV[3])
        local previous = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1])) or -1
        local added = redis.call('ZADD', KEYS[1], deadline, ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return { now, added, redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES'), previous, deadline }
        """;

    /// <summary>
    /// KEYS[1] = the writers sorted set; ARGV[1] = this writer's id. A writer shutting down sets its deadline to now, so
    /// the <c>Live</c> modes leave it out at once instead of after its timeout.
    /// </summary>
    public const string Retire = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        return redis.call('ZADD', KEYS[1], 'XX', now - 1, ARGV[1])
        """;

    /// <summary>
    /// KEYS[1] = one writer's hash of one family; ARGV[1] = TTL in ms, then label text / value pairs.
    /// Writes each value with the Redis time of the write under <c>t|&lt;labels&gt;</c>.
    /// </summary>
    public const string WriteValues = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local i = 2
        while i <= #ARGV do
          local writes = {}
          local last = math.min(#ARGV, i + 399)
          for k = i, last, 2 do
            writes[#writes + 1] = ARGV[k]
            writes[#writes + 1] = ARGV[k + 1]
            writes[#writes + 1] = 't|' .. ARGV[k]
            writes[#writes + 1] = now
          end
          redis.call('HSET', KEYS[1], unpack(writes))
          i = last + 1
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return now
        """;

    /// <summary>
    /// KEYS[1] = the writers sorted set, KEYS[2] = the dead writer's key set; ARGV[1] = the writer, ARGV[2] = the
    /// deadline it was judged dead by. Unregisters the writer only if it has not beaten since (so a writer that came
    /// back, or one another survivor already removed, is left alone) and returns { 1, the keys of its data for the
    /// caller to delete }, else { 0 }.
    /// </summary>
    public const string Unregister = """
        local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if not score or tonumber(score) ~= tonumber(ARGV[2]) then
          return { 0 }
        end
        redis.call('ZREM', KEYS[1], ARGV[1])
        local keys = redis.call('SMEMBERS', KEYS[2])
        redis.call('DEL', KEYS[2])
        return { 1, keys }
        """;
}
