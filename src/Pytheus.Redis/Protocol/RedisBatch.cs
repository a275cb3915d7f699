using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>One family's changes under one sequence number, exactly as sent (and resent) to the apply script.</summary>
internal sealed class RedisBatch
{
    public RedisBatch(RedisFamilyState family, long sequence, bool isWholeResend, RedisCell[] cells, RedisValue[] arguments)
    {
        Family = family;
        Sequence = sequence;
        IsWholeResend = isWholeResend;
        Cells = cells;
        Arguments = arguments;
        Keys = [family.DataKey, family.DefinitionsKey];
    }

    public RedisFamilyState Family { get; }

    public long Sequence { get; }

    /// <summary>Whether the batch carries the cells' whole contributions (after Redis lost the data).</summary>
    public bool IsWholeResend { get; }

    /// <summary>The cells changed, in argument order.</summary>
    public RedisCell[] Cells { get; }

    public RedisValue[] Arguments { get; }

    public RedisKey[] Keys { get; }

    /// <summary>How many times the batch was sent.</summary>
    public int Attempts { get; set; }
}
