using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>
/// Reads a family hash: whole (one <c>HGETALL</c>) when it is small, in chunks when it is big, so that no single
/// command keeps Redis busy for long (an <c>HGETALL</c> of 600,000 fields takes Redis hundreds of milliseconds, during
/// which it serves nobody else). Redis decides, in the script, from <c>HLEN</c> at every scrape. Either way the script
/// answers with one packed string per step (<see cref="PackedHash"/>) rather than two reply objects per field. A chunk
/// never splits a series: it is one script that takes the next <c>HSCAN</c> step and, for every series whose
/// <em>first</em> field (its first slot: the lowest bucket, or the value) the step returned, reads all of that series'
/// fields (one <c>HMGET</c> for the whole step) — so a series' numbers always come from one moment, and each series is
/// read once per pass (every series has exactly one first field). Every other field — the protocol's
/// (<c>@epoch</c>, <c>@w|…</c>), a native histogram's sparse buckets (<c>nh:…</c>), a summary's sketch buckets
/// (<c>q=…</c>), exemplars (<c>x…</c>): fields outside the fixed layout, which exist or not per series — passes through
/// as the step returns it; those, unlike the fixed numbers, may come from another moment than the rest of their series.
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
    /// the family's slot names, in layout order. Returns { next cursor, packed { field, value, field, value… } } (see
    /// <see cref="PackedHash"/>): the whole hash and cursor 0 when a first call finds it small.
    /// </summary>
    public const string ReadChunk = """
        local data = KEYS[1]
        if ARGV[1] == '0' and redis.call('HLEN', data) <= tonumber(ARGV[3]) then
          return { '0', cmsgpack.pack(redis.call('HGETALL', data)) }
        end
        local step = redis.call('HSCAN', data, ARGV[1], 'COUNT', ARGV[2])
        local out = {}
        local first = ARGV[4] .. '|'
        local n = #first
        local single = #ARGV == 4
        local fixed = {}
        for s = 5, #ARGV do
          fixed[ARGV[s]] = true
        end
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
          else
            local bar = string.find(field, '|', 1, true)
            if not (bar and fixed[string.sub(field, 1, bar - 1)]) then
              out[#out + 1] = field
              out[#out + 1] = fields[i + 1]
            end
          end
        end
        fetch()
        return { step[1], cmsgpack.pack(out) }
        """;

    /// <summary>
    /// Reads the whole hash at <paramref name="key"/>: in one round trip when it is small, chunk after chunk (one round
    /// trip each) when it is big. The first command goes out before this returns, so reads of several families started
    /// one after the other go out pipelined.
    /// </summary>
    public static async Task<PackedHash> ReadAsync(IDatabaseAsync database, RedisKey key, string[] slotNames, CancellationToken cancellationToken)
    {
        var arguments = new RedisValue[3 + slotNames.Length];
        arguments[1] = ChunkFields;
        arguments[2] = WholeReadLimit;
        for (var i = 0; i < slotNames.Length; i++)
        {
            arguments[3 + i] = slotNames[i];
        }
        var steps = new List<PackedHash>(1);
        RedisValue cursor = 0;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            arguments[0] = cursor;
            var reply = (RedisResult[])(await database.ScriptEvaluateAsync(ReadChunk, [key], arguments).ConfigureAwait(false))!;
            cursor = (RedisValue)reply[0];
            steps.Add(new PackedHash((ReadOnlyMemory<byte>)(RedisValue)reply[1]));
        }
        while ((string?)cursor != "0");
        return steps.Count == 1 ? steps[0] : Distinct(steps);
    }

    /// <summary>
    /// Each field once, its last copy: <c>HSCAN</c> may return a field twice when the hash rehashed during the scan, and
    /// a native bucket read twice would be counted twice.
    /// </summary>
    private static PackedHash Distinct(List<PackedHash> steps)
    {
        var pairs = steps.SelectMany(step => step.ToList()).ToList();
        // Backwards, so that the copy kept is the last; then forwards again, in the order of those last copies.
        var seen = new Utf8KeyedTable<bool>();
        var distinct = new List<(ReadOnlyMemory<byte> Field, ReadOnlyMemory<byte> Value)>(pairs.Count);
        for (var i = pairs.Count - 1; i >= 0; i--)
        {
            if (seen.TryAdd(pairs[i].Field, true))
            {
                distinct.Add(pairs[i]);
            }
        }
        distinct.Reverse();
        return PackedHash.Pack(distinct);
    }
}
