namespace Pytheus.Backends;

/// <summary>
/// This process's identity as a writer of per-process values: <c>&lt;host&gt;:&lt;pid&gt;:&lt;random&gt;</c>. The random
/// part makes a process restarted in place (same host, same pid — pid 1 in every container) a new writer.
/// </summary>
public static class WriterIdentity
{
    /// <summary>The id of this process, fixed for its lifetime.</summary>
    public static string Current { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
}
