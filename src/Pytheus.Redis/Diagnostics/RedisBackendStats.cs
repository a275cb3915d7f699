namespace Pytheus.Backends.Redis;

/// <summary>The backend's own counters and flush state, the one source of <see cref="RedisBackendStatus"/> and the self-metrics.</summary>
internal sealed class RedisBackendStats(TimeProvider time)
{
    private long _flushes;
    private long _flushFailures;
    private long _droppedChanges;
    private long _dataLossResends;
    private long _definitionConflicts;
    private long _lastSuccessTimestamp = time.GetTimestamp();
    private string? _lastError;

    public long Flushes => Interlocked.Read(ref _flushes);

    public long FlushFailures => Interlocked.Read(ref _flushFailures);

    public long DroppedChanges => Interlocked.Read(ref _droppedChanges);

    public long DataLossResends => Interlocked.Read(ref _dataLossResends);

    public long DefinitionConflicts => Interlocked.Read(ref _definitionConflicts);

    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>Whether the last flush attempt left changes unconfirmed (set and cleared under the flush gate).</summary>
    public bool Failing { get; set; }

    /// <summary>Failed attempts since flushing last worked (for the recovery log line).</summary>
    public long FailedAttemptsInARow { get; set; }

    public double SecondsSinceLastSuccess => time.GetElapsedTime(Interlocked.Read(ref _lastSuccessTimestamp)).TotalSeconds;

    public void FlushSucceeded(bool sentSomething)
    {
        Interlocked.Exchange(ref _lastSuccessTimestamp, time.GetTimestamp());
        if (sentSomething)
        {
            Interlocked.Increment(ref _flushes);
        }
    }

    public void FlushFailed(Exception failure)
    {
        Interlocked.Increment(ref _flushFailures);
        Volatile.Write(ref _lastError, $"{failure.GetType().Name}: {failure.Message}");
    }

    public void Dropped(int changes, Exception failure)
    {
        Interlocked.Add(ref _droppedChanges, changes);
        Volatile.Write(ref _lastError, $"{failure.GetType().Name}: {failure.Message}");
    }

    public void DataLost() => Interlocked.Increment(ref _dataLossResends);

    public void DefinitionConflict() => Interlocked.Increment(ref _definitionConflicts);
}
