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

    public RedisValue[] Arguments { get; private set; }

    public RedisKey[] Keys { get; }

    /// <summary>How many times the batch was sent.</summary>
    public int Attempts { get; private set; }

    /// <summary>
    /// The arguments of the next attempt: the same changes under the same sequence number, but a new epoch for the hash
    /// should this attempt have to create it (<c>&lt;writer&gt;/&lt;sequence&gt;.&lt;attempt&gt;</c>). An attempt that
    /// re-creates the hash after Redis lost it again (the first attempt created it, its reply was lost, other writers
    /// confirmed changes into it) must not give it the epoch of the lost hash: those writers would take the new hash for
    /// the one holding their changes and never re-send them.
    /// </summary>
    public RedisValue[] NextAttempt(string writerId)
    {
        Attempts++;
        if (Attempts > 1)
        {
            // A fresh array: the previous attempt's command may still reference the old one.
            Arguments = (RedisValue[])Arguments.Clone();
        }
        Arguments[RedisScripts.CandidateEpochArgument] = $"{writerId}/{Sequence}.{Attempts}";
        return Arguments;
    }
}
