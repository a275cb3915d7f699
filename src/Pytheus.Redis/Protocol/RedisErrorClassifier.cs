using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>What a failed batch means for the changes it carries.</summary>
internal enum RedisFailureKind
{
    /// <summary>Redis may succeed later (or may already have applied the batch): keep it and resend it unchanged.</summary>
    Transient,

    /// <summary>Redis will never apply this batch (the key holds another type, the script itself failed): drop it.</summary>
    Permanent,
}

/// <summary>
/// Classifies flush failures by the Redis error <em>code</em> — the first word of the error — never by the rest of the
/// message: Redis 7 appends <c>script: &lt;sha&gt;, on @user_script:N.</c> to every error raised inside a script, so
/// "is it a script error" cannot be read from the text.
/// </summary>
internal static class RedisErrorClassifier
{
    // The codes that refuse this very command for good: the key holds another type, or the script failed (a bug) or
    // cannot run at all (EVALSHA renamed away). Every other code — OOM, READONLY, NOREPLICAS, MISCONF, BUSY, LOADING,
    // MASTERDOWN, TRYAGAIN, CLUSTERDOWN, MOVED, ASK, NOSCRIPT, and codes an operator can clear such as NOAUTH or NOPERM —
    // means "not now"; memory stays bounded by the number of cells while the batch waits.
    private static readonly HashSet<string> PermanentCodes = new(StringComparer.Ordinal) { "WRONGTYPE", "ERR" };

    /// <summary>The error code of a Redis error message: its first word (<c>OOM</c>, <c>WRONGTYPE</c>, <c>ERR</c>…).</summary>
    public static string Code(string message)
    {
        var end = message.IndexOfAny([' ', '\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    /// <summary>
    /// Permanent for an error reply whose code is <c>WRONGTYPE</c> or <c>ERR</c>; transient for every other error reply
    /// and for every failure that is not an error reply (connection lost, timeouts: the outcome is unknown).
    /// </summary>
    public static RedisFailureKind Classify(Exception failure) =>
        failure is RedisServerException server && PermanentCodes.Contains(Code(server.Message))
            ? RedisFailureKind.Permanent
            : RedisFailureKind.Transient;
}
