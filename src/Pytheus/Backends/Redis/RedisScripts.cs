namespace Pytheus.Backends.Redis;

/// <summary>The Lua script that applies one family's batch exactly once.</summary>
internal static class RedisScripts
{
    /// <summary>
    /// KEYS[1] = the family's hash, KEYS[2] = this writer's sequence key for the family.
    /// ARGV[1] = batch sequence number, ARGV[2] = TTL in seconds, ARGV[3] = number of increments, then field/delta pairs
    /// for the increments followed by field/value pairs for absolute writes (gauge Set).
    /// A batch whose sequence number is not above the recorded one was applied already (its reply was lost) and changes
    /// nothing. Arithmetic is done on Lua doubles and stored as <c>%.17g</c> so values round-trip exactly, and — unlike
    /// HINCRBYFLOAT — NaN and infinities cannot make the script fail half-way.
    /// Returns { applied (1 or 0), value of each field after the batch, in argument order }.
    /// </summary>
    public const string ApplyBatch = """
        local seq = tonumber(ARGV[1])
        local ttl = tonumber(ARGV[2])
        local stopIncr = 4 + 2 * tonumber(ARGV[3])
        local last = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
        local result = { 0 }
        if seq > last then
          result[1] = 1
          local i = 4
          while i < #ARGV do
            local value = tonumber(ARGV[i + 1]) or 0
            if i < stopIncr then
              value = (tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0') or 0) + value
            end
            local text = string.format('%.17g', value)
            redis.call('HSET', KEYS[1], ARGV[i], text)
            result[#result + 1] = text
            i = i + 2
          end
          redis.call('SET', KEYS[2], ARGV[1], 'EX', ttl)
        else
          local i = 4
          while i < #ARGV do
            result[#result + 1] = redis.call('HGET', KEYS[1], ARGV[i])
            i = i + 2
          end
          redis.call('EXPIRE', KEYS[2], ttl)
        end
        redis.call('EXPIRE', KEYS[1], ttl)
        return result
        """;
}
