using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>
/// The flush protocol: at most one outstanding batch per family, numbered by a per-writer sequence; a batch is
/// acknowledged (its cells learn Redis's values), resent unchanged after a transient failure, abandoned after a
/// permanent one, or — when Redis lost the family's data — replaced by a whole re-send of this process's contribution.
/// Everything that touches a family's sequence or unacknowledged batch runs under one gate; a bounded run that gives up
/// waiting keeps the gate until its work has really ended, so two flushes never overlap.
/// </summary>
internal sealed class RedisBatchProtocol
{
    private const int MaxRounds = 4;

    /// <summary>
    /// Most fields one batch carries. A family with more changes goes in several batches, one after the other (each
    /// waits for the previous one's confirmation, like any batch of the family), so that no script keeps Redis busy for
    /// more than a few milliseconds: the apply script costs Redis about 1–2 µs per field.
    /// </summary>
    public const int ChunkFields = 2_000;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly RedisFamilies _families;
    private readonly RedisConnection _connection;
    private readonly RedisBackendStats _stats;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _writerId;
    private readonly RedisValue _writerField;
    private readonly RedisValue[] _idleCheckFields;
    private readonly TimeSpan _ttl;
    private readonly int _ttlSeconds;
    private int _running;
    private int _peakRunning;

    public RedisBatchProtocol(
        RedisFamilies families, RedisConnection connection, RedisBackendStats stats, ILogger logger, TimeProvider time,
        string writerId, TimeSpan ttl)
    {
        _families = families;
        _connection = connection;
        _stats = stats;
        _logger = logger;
        _time = time;
        _writerId = writerId;
        _writerField = RedisKeySchema.WriterField(writerId);
        _idleCheckFields = [RedisKeySchema.EpochField, _writerField];
        _ttl = ttl;
        _ttlSeconds = (int)Math.Ceiling(ttl.TotalSeconds);
    }

    /// <summary>Test hook: called after Redis applied a batch; returning true makes the client act as if the reply was lost.</summary>
    public Func<string, long, bool>? LoseReplyAfterApply { get; set; }

    /// <summary>The most protocol runs ever seen at once (tests: must stay 1).</summary>
    public int PeakConcurrentRuns => Volatile.Read(ref _peakRunning);

    /// <summary>Whether some family has a batch Redis has not confirmed. Caller holds the gate.</summary>
    public bool HasUnacknowledged => _families.States.Any(f => f.Unacknowledged is not null);

    /// <summary>Whether some family has batches planned after the one in flight (a big change in chunks). Caller holds the gate.</summary>
    public bool HasPlannedChunks => _families.States.Any(f => f.PlannedChunks is { Count: > 0 });

    /// <summary>
    /// Plans the batches of every family whose changes need more than one (see <see cref="ChunkFields"/>) and says
    /// whether any does — a scrape then flushes them all before reading, so that it shows this process's changes.
    /// Caller holds the gate.
    /// </summary>
    public bool PlanChunks()
    {
        foreach (var family in _families.States)
        {
            if (family.Unacknowledged is null && family.PlannedChunks is not { Count: > 0 })
            {
                Plan(family);
            }
        }
        return HasPlannedChunks;
    }

    /// <summary>Whether some family must re-send its whole contribution. Caller holds the gate.</summary>
    public bool HasWholeResends => _families.States.Any(f => f.NeedsWholeResend);

    /// <summary>Runs <paramref name="work"/> alone, waiting for the gate as long as <paramref name="cancellationToken"/> allows.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        Enter();
        try
        {
            return await work(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> alone and waits for it at most <paramref name="budget"/> (shutdown, signals). When the
    /// budget runs out first, the caller gets a <see cref="TimeoutException"/> but the gate stays taken until the work
    /// has ended: a Redis command cannot be recalled, and a second flush meanwhile could apply a later batch of a family
    /// before the earlier one it is still waiting for.
    /// </summary>
    public async Task<Exception?> RunBoundedAsync(Func<CancellationToken, Task<Exception?>> work, TimeSpan budget)
    {
        using var limit = new CancellationTokenSource(budget);
        try
        {
            await _gate.WaitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return new TimeoutException($"No flush within {budget.TotalMilliseconds} ms: another flush kept running.");
        }
        Enter();
        Task<Exception?> running;
        try
        {
            running = work(limit.Token);
        }
        catch
        {
            Exit();
            throw;
        }
        _ = running.ContinueWith(static (_, protocol) => ((RedisBatchProtocol)protocol!).Exit(), this,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            return await running.WaitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e)
        {
            return new TimeoutException($"Flush still unconfirmed after {budget.TotalMilliseconds} ms.", e);
        }
    }

    /// <summary>
    /// Sends what is pending and settles it, in rounds: after a retried batch is confirmed, the changes that waited
    /// behind it go next; after a loss, the whole re-send. With <paramref name="checkIdle"/>, families with nothing to
    /// send are checked for data loss (their hash's epoch) and their TTL kept fresh. Returns the failure, if any batch is
    /// left unconfirmed. Caller holds the gate.
    /// </summary>
    public async Task<Exception?> FlushAsync(bool checkIdle, CancellationToken cancellationToken)
    {
        IDatabase database;
        try
        {
            database = await _connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RecordFailure(e);
            return e;
        }
        for (var round = 0; round < MaxRounds || HasPlannedChunks; round++)
        {
            var sent = Send(database);
            var checks = checkIdle && round == 0 ? SendIdleChecks(database, sent) : [];
            if (sent.Count == 0 && checks.Count == 0)
            {
                if (!_stats.Failing)
                {
                    _stats.FlushSucceeded(sentSomething: false);
                }
                return null;
            }
            var failure = await SettleAsync(sent, checks).ConfigureAwait(false);
            if (failure is not null)
            {
                return failure;
            }
            if (!sent.Any(s => s.Batch.Attempts > 1) && !HasWholeResends && !HasPlannedChunks)
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>Sends every family's next batch on <paramref name="pipeline"/> without waiting. Caller holds the gate.</summary>
    public List<Sent> Send(IDatabaseAsync pipeline)
    {
        var sent = new List<Sent>();
        foreach (var family in _families.States)
        {
            if (NextBatch(family) is { } batch)
            {
                sent.Add(new Sent(batch, pipeline.ScriptEvaluateAsync(RedisScripts.ApplyBatch, batch.Keys, batch.NextAttempt(_writerId))));
            }
        }
        return sent;
    }

    /// <summary>Waits for every reply and acknowledges, keeps or drops each batch. Returns the first transient failure.</summary>
    public async Task<Exception?> SettleAsync(List<Sent> sent, List<IdleCheck> checks)
    {
        Exception? failure = null;
        foreach (var (batch, reply) in sent)
        {
            try
            {
                var result = await reply.ConfigureAwait(false);
                if (LoseReplyAfterApply?.Invoke(batch.Family.Name, batch.Sequence) == true)
                {
                    throw new RedisTimeoutException("Test hook: the reply of an applied batch was lost.", CommandStatus.Sent);
                }
                Settle(batch, (RedisResult[])result!);
            }
            catch (Exception e) when (RedisErrorClassifier.Classify(e) == RedisFailureKind.Permanent)
            {
                foreach (var cell in batch.Cells)
                {
                    cell.Abandon();
                }
                batch.Family.Unacknowledged = null;
                _stats.Dropped(batch.Cells.Length, e);
                Log.BatchDropped(_logger, e, batch.Family.Name, RedisErrorClassifier.Code(e.Message), batch.Cells.Length);
            }
            catch (Exception e)
            {
                // Connection lost, timeout, OOM, READONLY, LOADING...: the batch may or may not have been applied. It stays
                // unacknowledged and is resent unchanged; its sequence number makes a second application a no-op.
                failure ??= e;
            }
        }
        foreach (var (family, marks) in checks)
        {
            try
            {
                var seen = await marks.ConfigureAwait(false);
                CheckHash(family, seen[0], RedisNumber.ParseSequence(seen[1]));
            }
            catch (Exception e)
            {
                failure ??= e;
            }
        }
        FreeReleasedCells();
        if (failure is not null)
        {
            RecordFailure(failure);
        }
        else
        {
            _stats.FlushSucceeded(sentSomething: sent.Count > 0);
            if (_stats.Failing)
            {
                _stats.Failing = false;
                Log.FlushRecovered(_logger, _stats.FailedAttemptsInARow);
                _stats.FailedAttemptsInARow = 0;
            }
        }
        return failure;
    }

    /// <summary>This writer's sequence field, which a scrape reads along with the epoch.</summary>
    public RedisValue WriterField => _writerField;

    /// <summary>
    /// Checks what a read (idle check, scrape) found in the family's hash: a missing hash, another epoch than this
    /// process's changes live in, or this writer's sequence below what Redis confirmed (a rollback) means Redis lost them.
    /// </summary>
    public void CheckHash(RedisFamilyState family, string? epoch, long writerSequence)
    {
        if (family.KnownEpoch is null || family.Unacknowledged is not null)
        {
            return;
        }
        if (epoch != family.KnownEpoch)
        {
            DataLost(family);
        }
        else if (writerSequence < family.ConfirmedSequence)
        {
            RolledBack(family, writerSequence);
        }
    }

    private void Settle(RedisBatch batch, RedisResult[] reply)
    {
        var family = batch.Family;
        var status = (long)reply[0];
        ReportConflicts(family, (RedisResult[])reply[2]!);
        family.Unacknowledged = null;
        if (status == RedisScripts.DataLost)
        {
            // Nothing was applied. The cells keep their in-flight change, which the whole re-send folds in.
            if ((string?)reply[1] == family.KnownEpoch)
            {
                RolledBack(family, (long)reply[3]);
            }
            else
            {
                DataLost(family);
            }
            return;
        }
        for (var i = 0; i < batch.Cells.Length; i++)
        {
            batch.Cells[i].Acknowledge(RedisNumber.Parse((RedisValue)reply[i + 3]));
        }
        family.KnownEpoch = (string?)reply[1];
        family.ConfirmedSequence = batch.Sequence;
        family.LastTtlRefresh = _time.GetTimestamp();
    }

    private void RolledBack(RedisFamilyState family, long writerSequence)
    {
        Log.RolledBack(_logger, family.Name, family.DataKey.ToString(), writerSequence, family.ConfirmedSequence);
        DataLost(family);
    }

    private void DataLost(RedisFamilyState family)
    {
        if (family.NeedsWholeResend)
        {
            return;
        }
        family.NeedsWholeResend = true;
        // Batches planned from the changes are void: the whole re-send carries every cell.
        family.PlannedChunks = null;
        family.LostEpoch = family.KnownEpoch;
        family.KnownEpoch = null;
        family.ConfirmedSequence = 0;
        _stats.DataLost();
        Log.DataLost(_logger, family.Name, family.DataKey.ToString(), family.Cells.Length);
    }

    private void ReportConflicts(RedisFamilyState family, RedisResult[] others)
    {
        if (others.Length == 0 || family.ConflictReported)
        {
            return;
        }
        family.ConflictReported = true;
        _stats.DefinitionConflict();
        Log.DefinitionConflict(_logger, family.Name, family.Definition.Text, string.Join("; ", others.Select(o => (string?)o)));
    }

    /// <summary>
    /// Splits the family's changes into batches of at most <see cref="ChunkFields"/> fields when they are more, keeping
    /// each series' cells in one batch; leaves <see cref="RedisFamilyState.PlannedChunks"/> empty otherwise. The cells
    /// are drained when their batch is built, so changes made meanwhile go with it.
    /// </summary>
    private static void Plan(RedisFamilyState family)
    {
        var whole = family.NeedsWholeResend;
        var cells = family.Cells;
        var count = 0;
        foreach (var cell in cells)
        {
            if (whole ? !cell.IsRemoved : cell.HasChangeToSend)
            {
                count++;
            }
        }
        if (count <= ChunkFields)
        {
            family.PlannedChunks = null;
            return;
        }
        // Series in the order their first cell appears; a histogram's cells may interleave with other series' when
        // several threads create series at once.
        var bySeries = new Dictionary<string, List<RedisCell>>(StringComparer.Ordinal);
        var order = new List<List<RedisCell>>();
        foreach (var cell in cells)
        {
            if (whole ? cell.IsRemoved : !cell.HasChangeToSend)
            {
                continue;
            }
            if (!bySeries.TryGetValue(cell.LabelsText, out var series))
            {
                bySeries.Add(cell.LabelsText, series = []);
                order.Add(series);
            }
            series.Add(cell);
        }
        var chunks = new Queue<RedisCell[]>();
        var chunk = new List<RedisCell>(ChunkFields);
        foreach (var series in order)
        {
            if (chunk.Count > 0 && chunk.Count + series.Count > ChunkFields)
            {
                chunks.Enqueue([.. chunk]);
                chunk.Clear();
            }
            chunk.AddRange(series);
        }
        if (chunk.Count > 0)
        {
            chunks.Enqueue([.. chunk]);
        }
        family.PlannedChunks = chunks;
        family.PlannedWhole = whole;
    }

    /// <summary>The batch to send for a family: the unacknowledged one, else its changes (or whole contribution), else null.</summary>
    private RedisBatch? NextBatch(RedisFamilyState family)
    {
        if (family.Unacknowledged is { } retry)
        {
            return retry;
        }
        if (family.PlannedChunks is not { Count: > 0 })
        {
            Plan(family);
        }
        // The first batch of a whole re-send says so (no epoch expected, the lost one replaced); the next batches of a
        // whole re-send split in chunks expect the epoch the first one created, and carry whole contributions too.
        var whole = family.NeedsWholeResend;
        var drainWhole = whole || family.PlannedChunks is { Count: > 0 } && family.PlannedWhole;
        var increments = new List<(RedisCell Cell, double Value)>();
        var sets = new List<(RedisCell Cell, double Value)>();
        List<(RedisCell Cell, ExemplarSample Sample)>? exemplars = null;
        ReadOnlySpan<RedisCell> candidates = family.PlannedChunks is { Count: > 0 } planned ? planned.Dequeue() : family.Cells;
        foreach (var cell in candidates)
        {
            if (cell.TryDrain(drainWhole, out var isSet, out var value))
            {
                (isSet ? sets : increments).Add((cell, value));
            }
            if (cell.TakeExemplar() is { } exemplar)
            {
                (exemplars ??= []).Add((cell, exemplar));
            }
        }
        var removals = family.TakeRemovals();
        if (increments.Count == 0 && sets.Count == 0 && removals.Count == 0 && exemplars is null)
        {
            family.NeedsWholeResend = false;
            return family.PlannedChunks is { Count: > 0 } ? NextBatch(family) : null;
        }
        var sequence = ++family.LastSequence;
        var cells = new RedisCell[increments.Count + sets.Count];
        var pairs = RedisScripts.FixedArguments + removals.Count;
        var exemplarCount = exemplars?.Count ?? 0;
        var args = new RedisValue[pairs + 2 * cells.Length + 2 * exemplarCount];
        args[0] = _writerField;
        args[1] = sequence;
        args[2] = whole ? string.Empty : family.KnownEpoch ?? string.Empty;
        args[4] = _ttlSeconds;
        args[5] = family.Definition.Id;
        args[6] = family.Definition.Text;
        args[7] = increments.Count;
        args[8] = removals.Count;
        args[9] = whole ? 0 : family.ConfirmedSequence;
        args[10] = whole ? family.LostEpoch ?? string.Empty : string.Empty;
        args[11] = exemplarCount;
        for (var r = 0; r < removals.Count; r++)
        {
            args[RedisScripts.FixedArguments + r] = removals[r];
        }
        var i = 0;
        foreach (var (cell, value) in increments.Concat(sets))
        {
            cells[i] = cell;
            args[pairs + 2 * i] = cell.Field;
            args[pairs + 1 + 2 * i] = RedisNumber.Format(value);
            i++;
        }
        for (var e = 0; e < exemplarCount; e++)
        {
            var (cell, sample) = exemplars![e];
            args[pairs + 2 * cells.Length + 2 * e] = cell.ExemplarField;
            args[pairs + 2 * cells.Length + 2 * e + 1] = RedisExemplarCodec.Encode(sample);
        }
        family.NeedsWholeResend = false;
        family.LostEpoch = null;
        family.Unacknowledged = new RedisBatch(family, sequence, whole, cells, args);
        return family.Unacknowledged;
    }

    /// <summary>
    /// Asks the epoch and this writer's sequence of every family that sends nothing now, refreshing the TTL of those not
    /// written for a while.
    /// </summary>
    private List<IdleCheck> SendIdleChecks(IDatabaseAsync pipeline, List<Sent> sent)
    {
        var checks = new List<IdleCheck>();
        var now = _time.GetTimestamp();
        foreach (var family in _families.States)
        {
            if (family.KnownEpoch is null || family.Unacknowledged is not null || sent.Any(s => ReferenceEquals(s.Batch.Family, family)))
            {
                continue;
            }
            checks.Add(new IdleCheck(family, pipeline.HashGetAsync(family.DataKey, _idleCheckFields)));
            if (_time.GetElapsedTime(family.LastTtlRefresh, now) > _ttl / 4)
            {
                // Series this process holds stay in Redis while it lives, written or not.
                _ = pipeline.KeyExpireAsync(family.DataKey, _ttl, ExpireWhen.Always, CommandFlags.FireAndForget);
                family.LastTtlRefresh = now;
            }
        }
        return checks;
    }

    private void FreeReleasedCells()
    {
        foreach (var family in _families.States)
        {
            if (family.FreeReleased() is { } freed)
            {
                foreach (var reader in family.Readers)
                {
                    reader.Forget(freed);
                }
            }
        }
    }

    private void RecordFailure(Exception e)
    {
        _stats.FlushFailed(e);
        _stats.FailedAttemptsInARow++;
        Log.FlushAttemptFailed(_logger, e);
        if (!_stats.Failing)
        {
            _stats.Failing = true;
            Log.FlushFailing(_logger, e, _families.PendingSeries());
        }
    }

    private void Enter()
    {
        var running = Interlocked.Increment(ref _running);
        int peak;
        while (running > (peak = Volatile.Read(ref _peakRunning)) && Interlocked.CompareExchange(ref _peakRunning, running, peak) != peak)
        {
        }
    }

    private void Exit()
    {
        Interlocked.Decrement(ref _running);
        _gate.Release();
    }

    /// <summary>A batch on its way and its reply.</summary>
    internal readonly record struct Sent(RedisBatch Batch, Task<RedisResult> Reply);

    /// <summary>An idle family's epoch and this writer's sequence on their way.</summary>
    internal readonly record struct IdleCheck(RedisFamilyState Family, Task<RedisValue[]> Marks);
}
