namespace Pytheus.Backends.Redis;

/// <summary>The Lua script that applies one family's batch exactly once, and detects that Redis lost the family's data.</summary>
internal static class RedisScripts
{
    /// <summary>Status returned when the batch was applied now.</summary>
    public const long Applied = 1;

    /// <summary>Status returned when the batch had been applied before (its reply was lost): nothing changed.</summary>
    public const long AlreadyApplied = 0;

    /// <summary>Status returned when the hash the writer's changes lived in is gone: nothing changed.</summary>
    public const long DataLost = -1;

    /// <summary>Index in ARGV (0-based) of the epoch a hash created by the batch gets; unique per attempt.</summary>
    public const int CandidateEpochArgument = 3;

    /// <summary>Number of ARGV entries before the removals.</summary>
    public const int FixedArguments = 12;

    /// <summary>
    /// KEYS[1] = the family's hash, KEYS[2] = the metric's definitions hash.
    /// ARGV[1] = this writer's sequence field, ARGV[2] = batch sequence number, ARGV[3] = the hash epoch the writer's
    /// confirmed changes live in ('' when it has none: first batch or whole re-send), ARGV[4] = the epoch to give the
    /// hash if it has to be created (unique per attempt, so that a re-created hash never passes for a lost one), ARGV[5]
    /// = TTL in seconds, ARGV[6] = definition id, ARGV[7] = definition text, ARGV[8] = number of increments, ARGV[9] =
    /// number of removals R, ARGV[10] = the last sequence number Redis confirmed to this writer in the epoch of ARGV[3],
    /// ARGV[11] = the epoch a whole re-send replaces ('' otherwise), ARGV[12] = number of exemplars E, ARGV[13..12+R] =
    /// fields to delete (series removed for every process; <c>*</c> = every number field; <c>nh:*|&lt;labels&gt;</c> =
    /// every native histogram bucket field of that series; <c>~&lt;labels&gt;</c> = every quantile sketch field of that
    /// series), then field/delta pairs for the increments followed by field/value pairs for absolute writes (gauge Set),
    /// then E exemplar field/text pairs, each written unless the field holds a later one (the text starts with its Unix
    /// timestamp). Removals are applied before the changes, which were made after them.
    /// <para>
    /// If the hash is missing or has another epoch while the writer expects one, Redis lost what the writer had written;
    /// if it has the expected epoch but a sequence below what it confirmed to the writer, Redis went back in time
    /// (restarted from an older snapshot) and lost the writer's later changes. Either way nothing is applied and the
    /// writer re-sends its whole contribution. A whole re-send that finds the very hash it replaces (a rollback) deletes
    /// it first: the stale hash still holds part of every writer's contribution, so it starts anew, under a new epoch
    /// that tells every other writer to re-send its own. Otherwise a batch whose sequence number is not above the
    /// writer's field was applied already (its reply was lost) and changes nothing. The sequence field lives in the
    /// hash, so it disappears exactly when the data it guards does.
    /// </para>
    /// <para>
    /// Arithmetic is done on Lua doubles and stored as <c>%.17g</c> so values round-trip exactly, and — unlike
    /// HINCRBYFLOAT — NaN and infinities cannot make the script fail half-way. The first write is the definitions HSET:
    /// Redis refuses a script's writes (OOM, READONLY, MISCONF, NOREPLICAS) at its first write or not at all, so a
    /// refused batch changed nothing.
    /// </para>
    /// Returns { status, epoch, { texts of other live definitions }, value of each field after the batch... }; with status
    /// <see cref="DataLost"/>, { status, epoch, conflicts, the writer's sequence in the hash }.
    /// </summary>
    public const string ApplyBatch = """
        local tonumber, format, call = tonumber, string.format, redis.call
        local data, defs = KEYS[1], KEYS[2]
        local writer, seq, known, candidate = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
        local ttl = tonumber(ARGV[5])
        local increments = tonumber(ARGV[8])
        local removals = tonumber(ARGV[9])
        local confirmed, replaces = tonumber(ARGV[10]), ARGV[11]
        local exemplars = tonumber(ARGV[12])
        local base = 12 + removals
        local count = (#ARGV - base) / 2 - exemplars
        local now = tonumber(call('TIME')[1])
        call('HSET', defs, ARGV[6], now .. ' ' .. ARGV[7])
        local conflicts = {}
        local all = call('HGETALL', defs)
        for i = 1, #all, 2 do
          if all[i] ~= ARGV[6] then
            local seen, text = string.match(all[i + 1], '^(%d+) (.*)$')
            if (tonumber(seen) or 0) + ttl < now then
              call('HDEL', defs, all[i])
            else
              conflicts[#conflicts + 1] = text
            end
          end
        end
        call('EXPIRE', defs, ttl)
        local epoch = call('HGET', data, '@epoch')
        local last = tonumber(call('HGET', data, writer) or '0') or 0
        if known ~= '' and (epoch ~= known or last < confirmed) then
          return { -1, epoch or '', conflicts, last }
        end
        if replaces ~= '' and epoch == replaces then
          call('UNLINK', data)
          epoch = false
          last = 0
        end
        if not epoch then
          epoch = candidate
          call('HSET', data, '@epoch', epoch)
        end
        local apply = seq > last
        local result = { apply and 1 or 0, epoch, conflicts }
        if apply then
          for r = 13, base do
            if ARGV[r] == '*' then
              local keys = call('HKEYS', data)
              for k = 1, #keys do
                if string.sub(keys[k], 1, 1) ~= '@' then
                  call('HDEL', data, keys[k])
                end
              end
            elseif string.sub(ARGV[r], 1, 1) == '~' then
              local labels = string.sub(ARGV[r], 2)
              local keys = call('HKEYS', data)
              for k = 1, #keys do
                if string.sub(keys[k], 1, 2) == 'q=' then
                  local bar = string.find(keys[k], '|', 1, true)
                  if bar and string.sub(keys[k], bar + 1) == labels then
                    call('HDEL', data, keys[k])
                  end
                end
              end
            elseif string.sub(ARGV[r], 1, 5) == 'nh:*|' then
              local labels = string.sub(ARGV[r], 5)
              local keys = call('HKEYS', data)
              for k = 1, #keys do
                local bar = string.find(keys[k], '|', 1, true)
                if string.sub(keys[k], 1, 3) == 'nh:' and bar and string.sub(keys[k], bar) == labels then
                  call('HDEL', data, keys[k])
                end
              end
            else
              call('HDEL', data, ARGV[r])
            end
          end
        end
        -- Fields go in chunks: one HMGET and one HSET per chunk instead of two calls per field.
        local first = 0
        while first < count do
          local size = math.min(500, count - first)
          local fields = {}
          for k = 1, size do
            fields[k] = ARGV[base - 1 + 2 * (first + k)]
          end
          local current = call('HMGET', data, unpack(fields))
          if apply then
            local writes = {}
            for k = 1, size do
              local index = first + k - 1
              local value = tonumber(ARGV[base + 2 * (first + k)]) or 0
              if index < increments then
                value = (tonumber(current[k] or '0') or 0) + value
              end
              local text = format('%.17g', value)
              writes[2 * k - 1] = fields[k]
              writes[2 * k] = text
              result[#result + 1] = text
            end
            call('HSET', data, unpack(writes))
          else
            for k = 1, size do
              result[#result + 1] = current[k] or '0'
            end
          end
          first = first + size
        end
        if apply then
          -- Exemplars: the latest by timestamp wins, whichever process wrote it.
          for e = 1, exemplars do
            local field, text = ARGV[base + 2 * (count + e) - 1], ARGV[base + 2 * (count + e)]
            local old = call('HGET', data, field)
            if not old or (tonumber(string.match(old, '^(%S+)')) or 0) <= (tonumber(string.match(text, '^(%S+)')) or 0) then
              call('HSET', data, field, text)
            end
          end
          call('HSET', data, writer, ARGV[2])
        end
        call('EXPIRE', data, ttl)
        return result
        """;
}
