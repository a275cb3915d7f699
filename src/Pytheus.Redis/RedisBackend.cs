using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pytheus.Metrics;
using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>
/// Multi-process backend: every process writing to one Redis (under one <see cref="RedisBackendOptions.KeyPrefix"/>)
/// shares one set of series, and a scrape of any process shows the totals of all. Counters, histogram buckets and sums,
/// summary sums and counts, and gauge <c>Inc</c>/<c>Dec</c> add up across processes; gauge <c>Set</c> is last-writer-wins.
/// </summary>
/// <remarks>
/// <para>
/// The application never waits on Redis: <c>Inc</c>/<c>Dec</c>/<c>Set</c>/<c>Observe</c> only change this process's
/// pending state, which a background flusher sends every <see cref="RedisBackendOptions.FlushInterval"/>, before every
/// scrape, and on <see cref="Dispose"/>, process exit, SIGTERM and SIGINT. Each metric family's changes travel as one batch with this
/// process's writer id and a sequence number, applied by a Lua script that skips batches it has already applied — so a
/// batch whose reply was lost is retried without counting twice. While Redis is unreachable, changes accumulate in
/// memory (one slot per stored number, not per operation) and are applied when it returns.
/// </para>
/// <para>See <c>docs/redis-backend.md</c> for the key schema, the flush protocol and what can be lost.</para>
/// </remarks>
public sealed class RedisBackend : ICollectingBackend, ISeriesRemovingBackend, IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan ImmediateModeRetryDelay = TimeSpan.FromMilliseconds(200);

    private readonly RedisBackendOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly bool _ownsConnection;
    private readonly Task<IConnectionMultiplexer> _connection;
    private readonly ConcurrentDictionary<string, RedisFamilyState> _families = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<MetricFamily, RedisFamilyReader> _readers = new(ReferenceEqualityComparer.Instance);
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly int _ttlSeconds;
    private readonly Task _flusher;
    private readonly PerWriterGauges _perWriter;
    private readonly PosixSignalRegistration?[] _signals;
    private int _wakeRequested;
    private int _disposed;
    private bool _failing;
    private long _failedAttempts;
    private long _lastSuccessTimestamp;

    /// <summary>
    /// Creates the backend from a configuration: pytheus's keys <c>host</c>, <c>port</c>, <c>db</c>, <c>password</c>,
    /// <c>expire_key_time</c>, <c>key_prefix</c>, and <c>connection_string</c>, <c>flush_interval_ms</c>,
    /// <c>shutdown_timeout_ms</c>, <c>scrape_timeout_ms</c> (see <see cref="RedisBackendOptions"/>). This is the constructor
    /// <see cref="Backend.LoadBackend(Type?, BackendConfig?)"/> and <c>PYTHEUS_BACKEND_CLASS</c> use. It does not wait for
    /// Redis: the connection is made, and retried, in the background.
    /// </summary>
    /// <exception cref="InvalidBackendConfigException">A key is unknown, mistyped or out of range; the message names it.</exception>
    public RedisBackend(BackendConfig config) : this(RedisBackendOptions.FromConfig(config))
    {
    }

    /// <summary>Creates the backend from options (see <see cref="RedisBackendOptions"/>). It does not wait for Redis.</summary>
    /// <exception cref="InvalidBackendConfigException">An option is out of range.</exception>
    public RedisBackend(RedisBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configuration = options.Validate();
        _options = options;
        _logger = options.LoggerFactory?.CreateLogger<RedisBackend>() ?? (ILogger)NullLogger.Instance;
        _time = options.TimeProvider ?? TimeProvider.System;
        _ttlSeconds = (int)Math.Ceiling(options.ExpireKeyTime.TotalSeconds);
        KeyPrefix = options.KeyPrefix;
        WriterId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        _lastSuccessTimestamp = _time.GetTimestamp();
        if (options.Connection is { } existing)
        {
            _connection = Task.FromResult(existing);
        }
        else
        {
            _ownsConnection = true;
            _connection = ConnectAsync(configuration);
        }
        _perWriter = new PerWriterGauges(KeyPrefix, WriterId,
            new LivenessSettings(options.LivenessTimeout, options.DeadWriterRetention, options.ExpireKeyTime), _logger);
        Metrics = new RedisBackendMetrics(this);
        Log.Started(_logger, WriterId, KeyPrefix, options.FlushInterval.TotalMilliseconds);
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        // Without a host that handles them, SIGTERM and SIGINT end a .NET process without raising ProcessExit.
        _signals = [RegisterSignal(PosixSignal.SIGTERM), RegisterSignal(PosixSignal.SIGINT)];
        _flusher = Task.Run(FlushLoopAsync);
    }

    /// <summary>The namespace of this backend's keys.</summary>
    public string KeyPrefix { get; }

    /// <summary>This backend instance's writer id (host, pid and a random part), recorded with every batch it applies.</summary>
    public string WriterId { get; }

    /// <summary>
    /// The backend's own metrics (flushes, flush failures, dropped changes, pending series, seconds since the last
    /// successful flush), in this process's memory. Register them where you want them:
    /// <c>registry.Register(backend.Metrics)</c>.
    /// </summary>
    public RedisBackendMetrics Metrics { get; }

    /// <summary>Test hook: called after Redis applied a batch; returning true makes the client act as if the reply was lost.</summary>
    internal Func<string, long, bool>? LoseReplyAfterApply { get; set; }

    /// <inheritdoc />
    public IValueStore CreateStore(ValueDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var family = descriptor.Family;
        if (PerWriterGauges.Handles(family))
        {
            return _perWriter.CreateStore(descriptor);
        }
        var state = _families.GetOrAdd(family.Name, name => new RedisFamilyState(
            name, RedisKeySchema.DataKey(KeyPrefix, name), RedisKeySchema.SequenceKey(KeyPrefix, name, WriterId)));
        var labelValues = descriptor.LabelValues as string[] ?? [.. descriptor.LabelValues];
        var labelsText = RedisKeySchema.EncodeLabels(family.LabelNames, labelValues);
        var slot = RedisKeySchema.SlotNames(family)[descriptor.Index];
        var wake = _options.FlushInterval == TimeSpan.Zero ? this : null;
        var cell = new RedisCell(family, descriptor.Index, $"{slot}{RedisKeySchema.SlotSeparator}{labelsText}", labelsText, labelValues, wake);
        state.AddCell(cell);
        _readers.GetOrAdd(family, f => new RedisFamilyReader(f)).Register(cell);
        return cell;
    }

    /// <inheritdoc />
    /// <remarks>Applied at the next flush, before the changes made after it.</remarks>
    public void RemoveSeries(MetricFamily family, IReadOnlyList<string> labelValues)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(labelValues);
        if (PerWriterGauges.Handles(family))
        {
            _perWriter.Remove(family, labelValues);
        }
    }

    /// <inheritdoc />
    /// <remarks>Applied at the next flush, before the changes made after it.</remarks>
    public void RemoveAllSeries(MetricFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        if (PerWriterGauges.Handles(family))
        {
            _perWriter.RemoveAll(family);
        }
    }

    /// <summary>
    /// Sends every pending change now and waits for Redis to confirm it.
    /// </summary>
    /// <exception cref="RedisException">Redis could not be reached or failed; the changes stay pending and are retried.</exception>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var failure = await FlushCoreAsync(cancellationToken).ConfigureAwait(false);
            if (failure is not null)
            {
                throw failure as RedisException ?? new RedisException($"Redis flush failed: {failure.Message}", failure);
            }
        }
        finally
        {
            _flushGate.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Flushes this process's pending changes and reads every requested family in one pipelined round trip, refreshing
    /// the keys' TTL. Throws — within <see cref="RedisBackendOptions.ScrapeTimeout"/> — when Redis cannot be read.
    /// </remarks>
    public async Task<IReadOnlyList<IReadOnlyList<SeriesSnapshot>>> CollectAsync(
        IReadOnlyList<MetricFamily> families, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(families);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ScrapeTimeout);
        try
        {
            await _flushGate.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Redis scrape timed out after {_options.ScrapeTimeout.TotalMilliseconds} ms waiting for a flush in progress.");
        }
        try
        {
            var database = await GetDatabaseAsync(timeout.Token, cancellationToken).ConfigureAwait(false);
            if (_families.Values.Any(f => f.Unacknowledged is not null))
            {
                // Batches left unconfirmed by an earlier failure go first, so that this scrape's flush carries the
                // changes waiting behind them (read-your-writes). Failures show up in the pipeline below.
                await FlushCoreAsync(timeout.Token).ConfigureAwait(false);
            }
            // Commands issued back to back without awaiting go out pipelined on the multiplexer's connection: one round trip.
            // (Not an IBatch: StackExchange.Redis re-sends a script after NOSCRIPT, which a batch already executed cannot.)
            var pipeline = database;
            var flushes = SendBatches(pipeline);
            var perWriter = families.Where(PerWriterGauges.Handles).ToList();
            var perWriterRead = perWriter.Count == 0 ? Task.FromResult<SeriesSnapshot[][]>([]) : FlushAndReadPerWriterAsync(pipeline, perWriter);
            var reads = new Task<HashEntry[]>[families.Count];
            for (var i = 0; i < families.Count; i++)
            {
                if (PerWriterGauges.Handles(families[i]))
                {
                    reads[i] = Task.FromResult(Array.Empty<HashEntry>());
                    continue;
                }
                var key = RedisKeySchema.DataKey(KeyPrefix, families[i].Name);
                reads[i] = pipeline.HashGetAllAsync(key);
                _ = pipeline.KeyExpireAsync(key, _options.ExpireKeyTime, flags: CommandFlags.FireAndForget);
            }
            try
            {
                await Task.WhenAll(reads.Append<Task>(perWriterRead)).WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Redis scrape timed out after {_options.ScrapeTimeout.TotalMilliseconds} ms.");
            }
            finally
            {
                // Settle the flush outcomes before releasing the gate, whatever happened to the reads.
                await SettleAsync(flushes).ConfigureAwait(false);
            }
            var result = new IReadOnlyList<SeriesSnapshot>[families.Count];
            var perWriterSeries = perWriterRead.Result;
            for (int i = 0, next = 0; i < families.Count; i++)
            {
                result[i] = PerWriterGauges.Handles(families[i]) ? perWriterSeries[next++] : ReadFamily(families[i], reads[i].Result);
            }
            return result;
        }
        finally
        {
            _flushGate.Release();
        }
    }

    /// <summary>Flushes what is pending (waiting at most <see cref="RedisBackendOptions.ShutdownTimeout"/>) and closes the connection if the backend opened it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        DisposeSignals();
        _stopping.Cancel();
        // The final flush runs on the thread pool; this thread only waits, bounded, so no context can deadlock it.
        Task.Run(ShutdownAsync).Wait();
    }

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        DisposeSignals();
        _stopping.Cancel();
        await ShutdownAsync().ConfigureAwait(false);
    }

    /// <summary>Number of series with a change not yet confirmed by Redis.</summary>
    internal int PendingSeries() =>
        _families.Values.Sum(f => f.Cells.Where(c => c.HasPendingChange).Select(c => c.LabelsText).Distinct(StringComparer.Ordinal).Count())
        + _perWriter.PendingCells();

    /// <summary>The writers sharing this key prefix and their liveness, as last seen.</summary>
    internal WriterSet Writers => _perWriter.Writers;

    /// <summary>Dead writers whose per-writer data this backend removed.</summary>
    internal long CleanedWriters => _perWriter.CleanedWriters;

    /// <summary>Seconds since the last flush that left nothing unconfirmed.</summary>
    internal double SecondsSinceLastSuccessfulFlush() =>
        _time.GetElapsedTime(Interlocked.Read(ref _lastSuccessTimestamp)).TotalSeconds;

    /// <summary>Wakes the flusher (flush interval zero). Allocation-free; at most one wake-up is outstanding.</summary>
    internal void RequestFlush()
    {
        if (Volatile.Read(ref _wakeRequested) == 0 && Interlocked.Exchange(ref _wakeRequested, 1) == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (Exception e) when (e is SemaphoreFullException or ObjectDisposedException)
            {
                // Already awake, or shut down: nothing to do.
            }
        }
    }

    private async Task<IConnectionMultiplexer> ConnectAsync(ConfigurationOptions configuration)
    {
        try
        {
            return await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or System.Net.Sockets.SocketException or ArgumentException)
        {
            Log.ConnectFailed(_logger, e);
            throw;
        }
    }

    private async Task<IDatabase> GetDatabaseAsync(CancellationToken timeout, CancellationToken caller)
    {
        try
        {
            var connection = await _connection.WaitAsync(timeout).ConfigureAwait(false);
            return connection.GetDatabase(_options.Database);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            throw new TimeoutException($"Redis connection not established within {_options.ScrapeTimeout.TotalMilliseconds} ms.");
        }
    }

    private async Task FlushLoopAsync()
    {
        var token = _stopping.Token;
        var immediate = _options.FlushInterval == TimeSpan.Zero;
        while (!token.IsCancellationRequested)
        {
            try
            {
                if (immediate)
                {
                    // Woken by a change, or by the heartbeat period: liveness needs a beat even when nothing changes.
                    await _wake.WaitAsync(_failing ? ImmediateModeRetryDelay : _options.HeartbeatPeriod, token).ConfigureAwait(false);
                    Volatile.Write(ref _wakeRequested, 0);
                }
                else
                {
                    await Task.Delay(_options.FlushInterval, _time, token).ConfigureAwait(false);
                }
                await _flushGate.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    await FlushCoreAsync(token).ConfigureAwait(false);
                }
                finally
                {
                    _flushGate.Release();
                }
                if (immediate && _failing)
                {
                    await Task.Delay(ImmediateModeRetryDelay, _time, token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Sends the pending batches and settles them; when some were retries of unconfirmed batches, a second round sends the
    /// changes that waited behind them. Returns the failure, if any batch is left unconfirmed. Caller holds the gate.
    /// </summary>
    private async Task<Exception?> FlushCoreAsync(CancellationToken cancellationToken)
    {
        IDatabase database;
        try
        {
            database = (await _connection.WaitAsync(cancellationToken).ConfigureAwait(false)).GetDatabase(_options.Database);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RecordFailure(e);
            return e;
        }
        for (var round = 0; ; round++)
        {
            var flushes = SendBatches(database);
            var perWriter = round == 0 ? FlushPerWriterAsync(database) : Task.FromResult<Exception?>(null);
            if (flushes.Count == 0)
            {
                var perWriterFailure = await perWriter.ConfigureAwait(false);
                if (perWriterFailure is not null)
                {
                    RecordFailure(perWriterFailure);
                    return perWriterFailure;
                }
                if (!_failing)
                {
                    Interlocked.Exchange(ref _lastSuccessTimestamp, _time.GetTimestamp());
                }
                return null;
            }
            var failure = await SettleAsync(flushes).ConfigureAwait(false) ?? await perWriter.ConfigureAwait(false);
            if (failure is not null || round == 1 || !flushes.Any(f => f.Batch.Attempts > 1))
            {
                return failure;
            }
        }
    }

    /// <summary>Beats and writes this process's per-writer gauges; returns the failure, if any (their values stay pending).</summary>
    private async Task<Exception?> FlushPerWriterAsync(IDatabaseAsync database)
    {
        try
        {
            await _perWriter.FlushAsync(database).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            return e;
        }
    }

    /// <summary>A scrape's per-writer part: this process's values first (read-your-writes), then every writer's.</summary>
    private async Task<SeriesSnapshot[][]> FlushAndReadPerWriterAsync(IDatabaseAsync database, IReadOnlyList<MetricFamily> families)
    {
        await _perWriter.FlushAsync(database).ConfigureAwait(false);
        return await _perWriter.ReadAsync(database, families).ConfigureAwait(false);
    }

    private List<(RedisBatch Batch, Task<RedisResult> Reply)> SendBatches(IDatabaseAsync pipeline)
    {
        var sent = new List<(RedisBatch, Task<RedisResult>)>();
        foreach (var family in _families.Values)
        {
            if (family.NextBatch(_ttlSeconds) is { } batch)
            {
                batch.Attempts++;
                sent.Add((batch, pipeline.ScriptEvaluateAsync(RedisScripts.ApplyBatch, batch.Keys, batch.Arguments)));
            }
        }
        return sent;
    }

    /// <summary>Waits for every batch's reply and acknowledges, keeps (for retry) or drops each. Returns the first failure.</summary>
    private async Task<Exception?> SettleAsync(List<(RedisBatch Batch, Task<RedisResult> Reply)> flushes)
    {
        Exception? failure = null;
        foreach (var (batch, reply) in flushes)
        {
            try
            {
                var result = await reply.ConfigureAwait(false);
                if (LoseReplyAfterApply?.Invoke(batch.Family.Name, batch.Sequence) == true)
                {
                    throw new RedisTimeoutException("Test hook: the reply of an applied batch was lost.", CommandStatus.Sent);
                }
                var values = (RedisResult[])result!;
                for (var i = 0; i < batch.Cells.Length; i++)
                {
                    batch.Cells[i].Acknowledge(RedisKeySchema.ParseNumber((RedisValue)values[i + 1]));
                }
                batch.Family.Unacknowledged = null;
            }
            catch (RedisServerException e) when (IsPermanent(e))
            {
                foreach (var cell in batch.Cells)
                {
                    cell.Abandon();
                }
                batch.Family.Unacknowledged = null;
                Metrics.DroppedChanges.Inc(batch.Cells.Length);
                Log.BatchDropped(_logger, e, batch.Family.Name, batch.Cells.Length);
            }
            catch (Exception e)
            {
                // Connection lost, timeout, Redis loading or read-only...: the batch may or may not have been applied.
                // It stays unacknowledged and is resent unchanged; its sequence number makes a second application a no-op.
                failure ??= e;
            }
        }
        if (failure is not null)
        {
            RecordFailure(failure);
        }
        else
        {
            Interlocked.Exchange(ref _lastSuccessTimestamp, _time.GetTimestamp());
            if (flushes.Count > 0)
            {
                Metrics.Flushes.Inc();
            }
            if (_failing)
            {
                _failing = false;
                Log.FlushRecovered(_logger, Interlocked.Exchange(ref _failedAttempts, 0));
            }
        }
        return failure;
    }

    private void RecordFailure(Exception e)
    {
        Metrics.FlushFailures.Inc();
        Interlocked.Increment(ref _failedAttempts);
        Log.FlushAttemptFailed(_logger, e);
        if (!_failing)
        {
            _failing = true;
            Log.FlushFailing(_logger, e, PendingSeries());
        }
    }

    private static bool IsPermanent(RedisServerException e) =>
        e.Message.StartsWith("WRONGTYPE", StringComparison.Ordinal)
        || (e.Message.Contains("script", StringComparison.OrdinalIgnoreCase) && !e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal)
            && !e.Message.StartsWith("BUSY", StringComparison.Ordinal));

    private SeriesSnapshot[] ReadFamily(MetricFamily family, HashEntry[] entries) =>
        _readers.GetOrAdd(family, f => new RedisFamilyReader(f)).Read(entries);

    private async Task ShutdownAsync()
    {
        var deadline = Stopwatch.StartNew();
        var budget = _options.ShutdownTimeout;
        try
        {
            await _flusher.WaitAsync(budget).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // The loop is stopping; the final flush below still runs within the remaining budget.
        }
        var failure = await FlushWithinAsync(Remaining(deadline, budget)).ConfigureAwait(false);
        if (failure is null && _connection.IsCompletedSuccessfully)
        {
            try
            {
                await _perWriter.RetireAsync(_connection.Result.GetDatabase(_options.Database)).WaitAsync(Remaining(deadline, budget)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Not retired: the live modes drop this writer when its deadline passes instead.
            }
        }
        var pending = PendingSeries();
        if (pending > 0)
        {
            Log.ShutdownIncomplete(_logger, failure, pending);
        }
        if (_ownsConnection && _connection.IsCompletedSuccessfully)
        {
            await _connection.Result.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            _connection.Result.Dispose();
        }
    }

    /// <summary>Flushes, retrying what stays unconfirmed, until everything is confirmed or <paramref name="budget"/> is spent.</summary>
    private async Task<Exception?> FlushWithinAsync(TimeSpan budget)
    {
        Exception? failure = null;
        using var limit = new CancellationTokenSource(budget);
        try
        {
            await _flushGate.WaitAsync(limit.Token).ConfigureAwait(false);
            try
            {
                while (true)
                {
                    failure = await FlushCoreAsync(limit.Token).WaitAsync(limit.Token).ConfigureAwait(false);
                    if (failure is null || !_families.Values.Any(f => f.Unacknowledged is not null))
                    {
                        return failure;
                    }
                    await Task.Delay(TimeSpan.FromMilliseconds(100), limit.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                _flushGate.Release();
            }
        }
        catch (OperationCanceledException e)
        {
            return failure ?? e;
        }
    }

    private PosixSignalRegistration? RegisterSignal(PosixSignal signal)
    {
        try
        {
            return PosixSignalRegistration.Create(signal, OnTerminationSignal);
        }
        catch (Exception e) when (e is PlatformNotSupportedException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Flushes (without disposing) when the process is asked to stop: if nobody cancels the signal the process ends right
    /// after its handlers, and if a host does (to shut down gracefully), the backend keeps working until its disposal.
    /// </summary>
    private void OnTerminationSignal(PosixSignalContext context)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            Task.Run(() => FlushWithinAsync(_options.ShutdownTimeout)).Wait();
        }
    }

    private void DisposeSignals()
    {
        foreach (var registration in _signals)
        {
            registration?.Dispose();
        }
    }

    private static TimeSpan Remaining(Stopwatch elapsed, TimeSpan budget)
    {
        var left = budget - elapsed.Elapsed;
        return left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1);
    }

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();
}
