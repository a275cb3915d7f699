using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>
/// Reads a family hash: whole (one <c>HGETALL</c>) when it is small, in chunks when it is big, so that no single
/// command keeps Redis busy for long (an <c>HGETALL</c> of 600,000 fields takes Redis hundreds of milliseconds, during
/// which it serves nobody else). Redis decides, in the script, from <c>HLEN</c>: a hash that grew since the last scrape
/// is never read whole by mistake. A chunk never splits a series: it is one script that takes the next <c>HSCAN</c>
/// step and, for every series whose <em>first</em> field (its first slot: the lowest bucket, or the value) the step
/// returned, reads all of that series' fields (one <c>HMGET</c> for the whole step) — so a series' numbers always come
/// from one moment,
/// and each series is read once per pass (every series has exactly one first field). Protocol fields (<c>@epoch</c>,
/// <c>@w|…</c>) pass through, and so do native histogram bucket fields (<c>nh:p:…</c>, <c>nh:n:…</c>), which no slot
/// name lists: those are read as the scan meets them, not at the moment of their series' other fields.
/// <para>
/// What <c>HSCAN</c> promises, and so what a chunked read sees: every field present from the first step to the last is
/// returned at least once (a series returned twice, when the hash grew and rehashed meanwhile, is read twice, the later
/// copy wins — both are whole); series created or removed meanwhile may or may not appear. Different series may be
/// read at different moments of a flush in progress, like a scrape of processes that flush at different times.
/// </para>
/// </summary>
internal static class ChunkedHashRead
{
    /// <summary>Fields a family hash may have to be read with one <c>HGETALL</c> (Redis spends a few milliseconds on it).</summary>
    public const int WholeReadLimit = 10_000;

    /// <summary><c>HSCAN COUNT</c> of one chunk: about a thousand fields, about a millisecond of Redis time.</summary>
    public const int ChunkFields = 1_000;

    /// <summary>
    /// KEYS[1] = the family hash; ARGV[1] = cursor, ARGV[2] = COUNT, ARGV[3] = the most fields read whole, ARGV[4..] =
    /// the family's slot names, in layout order. Returns { next cursor, field, value, field, value… }: the whole hash and
    /// cursor 0 when a first call finds it small.
    /// </summary>
    public const string ReadChunk = """
        local data = KEYS[1]
        if ARGV[1] == '0' and redis.call('HLEN', data) <= tonumber(ARGV[3]) then
          local all = redis.call('HGETALL', data)
          table.insert(all, 1, '0')
          return all
        end
        local step = redis.call('HSCAN', data, ARGV[1], 'COUNT', ARGV[2])
        local out = { step[1] }
        local first = ARGV[4] .. '|'
        local n = #first
        local single = #ARGV == 4
        local fields = step[2]
        local names = {}
        local function fetch()
          if #names > 0 then
            local values = redis.call('HMGET', data, unpack(names))
            for k = 1, #names do
              if values[k] then
                out[#out + 1] = names[k]
                out[#out + 1] = values[k]
              end
            end
            names = {}
          end
        end
        for i = 1, #fields, 2 do
          local field = fields[i]
          if string.sub(field, 1, n) == first then
            if single then
              out[#out + 1] = field
              out[#out + 1] = fields[i + 1]
            else
              local labels = string.sub(field, n + 1)
              for s = 4, #ARGV do
                names[#names + 1] = ARGV[s] .. '|' .. labels
              end
              if #names >= 4000 then
                fetch()
              end
            end
          elseif string.byte(field, 1) == 64 or string.sub(field, 1, 5) == 'nh:p:' or string.sub(field, 1, 5) == 'nh:n:' then
            -- Protocol fields, and native histogram buckets (which no slot name lists), pass through as HSCAN returns them.
            out[#out + 1] = field
            out[#out + 1] = fields[i + 1]
          end
        end
        fetch()
        return out
        """;

    /// <summary>
    /// Reads the whole hash at <paramref name="key"/>: in one round trip when it is small, chunk after chunk (one round
    /// trip each) when it is big. The first command goes out before this returns, so reads of several families started
    /// one after the other go out pipelined.
    /// </summary>
    public static async Task<HashEntry[]> ReadAsync(IDatabaseAsync database, RedisKey key, string[] slotNames, CancellationToken cancellationToken)
    {
        var arguments = new RedisValue[3 + slotNames.Length];
        arguments[1] = ChunkFields;
        arguments[2] = WholeReadLimit;
        for (var i = 0; i < slotNames.Length; i++)
        {
            arguments[3 + i] = slotNames[i];
        }
        var entries = new List<HashEntry>();
        RedisValue cursor = 0;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            arguments[0] = cursor;
            var reply = (RedisResult[])(await database.ScriptEvaluateAsync(ReadChunk, [key], arguments).ConfigureAwait(false))!;
            cursor = (RedisValue)reply[0];
            for (var i = 1; i + 1 < reply.Length; i += 2)
            {
                entries.Add(new HashEntry((RedisValue)reply[i], (RedisValue)reply[i + 1]));
            }
        }
        while ((string?)cursor != "0");
        return [.. entries];
    }
}
