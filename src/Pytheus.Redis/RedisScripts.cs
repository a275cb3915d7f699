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
        local tonumber, format, call = tonumber, string.format, redis.call
        local seq = tonumber(ARGV[1])
        local ttl = tonumber(ARGV[2])
        local increments = tonumber(ARGV[3])
        local count = (#ARGV - 3) / 2
        local last = tonumber(call('GET', KEYS[2]) or '0') or 0
        local apply = seq > last
        local result = { apply and 1 or 0 }
        -- Fields go in chunks: one HMGET and one HSET per chunk instead of two calls per field.
        local first = 0
        while first < count do
          local size = math.min(500, count - first)
          local fields = {}
          for k = 1, size do
            fields[k] = ARGV[2 + 2 * (first + k)]
          end
          local current = call('HMGET', KEYS[1], unpack(fields))
          if apply then
            local writes = {}
            for k = 1, size do
              local index = first + k - 1
              local value = tonumber(ARGV[3 + 2 * (first + k)]) or 0
              if index < increments then
                value = (tonumber(current[k] or '0') or 0) + value
              end
              local text = format('%.17g', value)
              writes[2 * k - 1] = fields[k]
              writes[2 * k] = text
              result[#result + 1] = text
            end
            call('HSET', KEYS[1], unpack(writes))
          else
            for k = 1, size do
              result[#result + 1] = current[k]
            end
          end
          first = first + size
        end
        if apply then
          call('SET', KEYS[2], ARGV[1], 'EX', ttl)
        else
          call('EXPIRE', KEYS[2], ttl)
        end
        call('EXPIRE', KEYS[1], ttl)
        return result
        """;
}
