using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pytheus.Metrics;
using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>
/// Multi-process backend: every process writing to one Redis (under one <see cref="RedisBackendOptions.KeyPrefix"/>)
/// shares one set of series, and a scrape of any process shows the totals of all. Counters, histogram buckets and sums,
/// and summary sums and counts add up across processes; a gauge combines the processes' values as its
/// <see cref="GaugeMode"/> says (each process keeps its own value, and every process announces itself with a heartbeat
/// so that the <c>Live</c> modes leave out the dead), or — <see cref="GaugeMode.Shared"/> — adds <c>Inc</c>/<c>Dec</c>
/// up and lets the last <c>Set</c> win.
/// </summary>
/// <remarks>
/// <para>
/// The application never waits on Redis: <c>Inc</c>/<c>Dec</c>/<c>Set</c>/<c>Observe</c> only change this process's
/// pending state, which a background flusher sends every <see cref="RedisBackendOptions.FlushInterval"/>, before every
/// scrape, and on <see cref="Dispose"/>, process exit, SIGTERM and SIGINT. Each metric family's changes travel as one
/// batch with this process's writer id and a sequence number, applied by a Lua script that skips batches it has already
/// applied — so a batch whose reply was lost is retried without counting twice. While Redis is unreachable or refuses
/// writes for a while (OOM, READONLY, LOADING...), changes accumulate in memory (one slot per stored number, not per
/// operation) and are applied when it accepts them. When Redis loses data (restart without persistence, FLUSHALL,
/// expiry), every living process re-sends what it holds.
/// </para>
/// <para>See <c>docs/redis-backend.md</c> for the key schema, the flush protocol and what can be lost, and
/// <c>docs/multiprocess.md</c> for gauge modes, liveness, removal and series limits.</para>
/// </remarks>
public sealed class RedisBackend : ICollectingBackend, ISeriesRemovingBackend, IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan ShutdownRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly RedisBackendOptions _options;
    private readonly ILogger _logger;
    private readonly RedisConnection _connection;
    private readonly RedisFamilies _families;
    private readonly RedisBackendStats _stats;
    private readonly RedisBatchProtocol _protocol;
    private readonly RedisFlushLoop _flushLoop;
    private readonly RedisScraper _scraper;
    private readonly RedisShutdownHooks _hooks;
    private readonly PerWriterGauges _perWriter;
    private int _disposed;

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
        var time = options.TimeProvider ?? TimeProvider.System;
        KeyPrefix = options.KeyPrefix;
        WriterId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        _stats = new RedisBackendStats(time);
        _connection = new RedisConnection(options, configuration, _logger);
        _families = new RedisFamilies(KeyPrefix);
        _protocol = new RedisBatchProtocol(_families, _connection, _stats, _logger, time, WriterId, options.ExpireKeyTime);
        _flushLoop = new RedisFlushLoop(_protocol, _stats, time, options.FlushInterval);
        _scraper = new RedisScraper(_families, _protocol, _connection, options);
        _perWriter = new PerWriterGauges(_connection, KeyPrefix, WriterId,
            new LivenessSettings(options.LivenessTimeout, options.DeadWriterRetention, options.ExpireKeyTime, options.HeartbeatPeriod),
            immediate: options.FlushInterval == TimeSpan.Zero, onDataLoss: _stats.DataLost,
            sharedKeys: () => _families.States.Select(s => s.DataKey), _logger);
        Metrics = new RedisBackendMetrics(this);
        Log.Started(_logger, WriterId, KeyPrefix, options.FlushInterval.TotalMilliseconds);
        _hooks = new RedisShutdownHooks(Dispose, OnTerminationSignal);
        _flushLoop.Start();
        _perWriter.Start();
    }

    /// <summary>The namespace of this backend's keys.</summary>
    public string KeyPrefix { get; }

    /// <summary>This backend instance's writer id (host, pid and a random part), recorded with every batch it applies.</summary>
    public string WriterId { get; }

    /// <summary>
    /// The backend's own metrics (flushes, flush failures, dropped changes, data-loss re-sends, definition conflicts,
    /// pending series, seconds since the last successful flush), in this process's memory. Register them where you want
    /// them: <c>registry.Register(backend.Metrics)</c>.
    /// </summary>
    public RedisBackendMetrics Metrics { get; }

    /// <summary>A snapshot of the backend's health: connection, pending work, counters and the last error.</summary>
    public RedisBackendStatus Status => new()
    {
        IsConnected = _connection.IsConnected,
        PendingSeries = PendingSeries(),
        SecondsSinceLastSuccessfulFlush = _stats.SecondsSinceLastSuccess,
        Flushes = _stats.Flushes,
        FlushFailures = _stats.FlushFailures,
        DroppedChanges = _stats.DroppedChanges,
        DataLossResends = _stats.DataLossResends,
        DefinitionConflicts = _stats.DefinitionConflicts,
        LastError = _stats.LastError,
    };

    /// <summary>Test hook: called after Redis applied a batch; returning true makes the client act as if the reply was lost.</summary>
    internal Func<string, long, bool>? LoseReplyAfterApply
    {
        get => _protocol.LoseReplyAfterApply;
        set => _protocol.LoseReplyAfterApply = value;
    }

    /// <summary>The most flushes or scrapes ever seen running at once (tests: must stay 1).</summary>
    internal int PeakConcurrentFlushes => _protocol.PeakConcurrentRuns;

    internal RedisFamilies Families => _families;

    /// <summary>The writers sharing this key prefix and their liveness deadlines, as last seen.</summary>
    internal WriterSet Writers => _perWriter.Writers;

    /// <summary>Dead writers whose per-writer data this backend removed.</summary>
    internal long CleanedWriters => _perWriter.CleanedWriters;

    /// <inheritdoc />
    public IValueStore CreateStore(ValueDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (PerWriterGauges.Handles(descriptor.Definition))
        {
            return _perWriter.CreateStore(descriptor);
        }
        var binding = _families.Bind(descriptor.Definition);
        var labelValues = descriptor.LabelValues as string[] ?? [.. descriptor.LabelValues];
        var labelsText = binding.EncodeLabels(labelValues);
        if (descriptor.Sketch is { } sketch)
        {
            return binding.State.HoldSketch(RedisKeySchema.SketchField(sketch, labelsText), labelsText, sketch.Window,
                descriptor.Definition.Quantiles!.AgeBuckets, _flushLoop.IsImmediate ? _flushLoop : null);
        }
        var slot = descriptor.NativeBucket is { } bucket ? RedisKeySchema.NativeSlot(bucket) : binding.SlotNames[descriptor.Index];
        return binding.State.Hold(RedisKeySchema.Field(slot, labelsText), labelsText, descriptor.Index, _flushLoop.IsImmediate ? _flushLoop : null);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The series' cells are freed once their last changes are confirmed (deleting the series for every process is
    /// <see cref="RemoveSeries"/>'s work). Views the application kept can still write; what they write after the cells
    /// are freed is not sent.
    /// </remarks>
    public void ReleaseSeries(MetricDefinition definition, IReadOnlyList<string> labelValues)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(labelValues);
        if (PerWriterGauges.Handles(definition))
        {
            // RemoveSeries already forgot the per-writer cell.
            return;
        }
        var binding = _families.Bind(definition);
        var labelsText = RedisLabelCodec.Encode(definition.LabelNames, labelValues);
        foreach (var slot in binding.StoredSlotNames)
        {
            binding.State.Release(RedisKeySchema.Field(slot, labelsText));
        }
        if (definition.Quantiles is not null)
        {
            binding.State.ReleaseSketch(labelsText);
        }
        if (definition.NativeHistogram is not null)
        {
            binding.State.ReleaseNativeBuckets(labelsText);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// The series' fields are deleted at this process's next flush, in the same atomic batch as — and before — the
    /// changes made after the removal; changes this process made before it and had not sent are dropped with the series.
    /// Per-writer gauges (every mode but <see cref="GaugeMode.Shared"/>): the series is deleted from every writer's hash.
    /// </remarks>
    public void RemoveSeries(MetricDefinition definition, IReadOnlyList<string> labelValues)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(labelValues);
        if (PerWriterGauges.Handles(definition))
        {
            _perWriter.Remove(definition, labelValues);
            return;
        }
        var binding = _families.Bind(definition);
        var labelsText = RedisLabelCodec.Encode(definition.LabelNames, labelValues);
        var fields = binding.StoredSlotNames.SelectMany(slot =>
        {
            var field = RedisKeySchema.Field(slot, labelsText);
            return new[] { field, RedisKeySchema.ExemplarFieldMarker + field };
        });
        binding.State.Remove(definition.NativeHistogram is null ? fields : fields.Append(RedisKeySchema.NativeBucketsRemovalPrefix + labelsText));
        if (definition.Quantiles is not null)
        {
            binding.State.RemoveSketch(labelsText);
        }
        _flushLoop.RequestFlushIfImmediate();
    }

    /// <inheritdoc />
    public void RemoveAllSeries(MetricDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (PerWriterGauges.Handles(definition))
        {
            _perWriter.RemoveAll(definition);
            return;
        }
        _families.Bind(definition).State.RemoveAll();
        _flushLoop.RequestFlushIfImmediate();
    }

    /// <summary>Sends every pending change now and waits for Redis to confirm it; also checks idle families for data loss.</summary>
    /// <exception cref="RedisException">Redis could not be reached or refused; the changes stay pending and are retried.</exception>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var failure = await _protocol.RunAsync(t => _protocol.FlushAsync(checkIdle: true, t), cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            throw failure as RedisException ?? new RedisException($"Redis flush failed: {failure.Message}", failure);
        }
        await _perWriter.FlushNowAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Flushes this process's pending changes and reads every requested family in one pipelined round trip, refreshing
    /// the keys' TTL. Throws — within <see cref="RedisBackendOptions.ScrapeTimeout"/> — when Redis cannot be read.
    /// </remarks>
    public async Task<IReadOnlyList<IReadOnlyList<SeriesSnapshot>>> CollectAsync(
        IReadOnlyList<MetricDefinition> definitions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var perWriter = definitions.Where(PerWriterGauges.Handles).ToList();
        if (perWriter.Count == 0)
        {
            return await _scraper.CollectAsync(definitions, cancellationToken).ConfigureAwait(false);
        }
        var shared = definitions.Where(f => !PerWriterGauges.Handles(f)).ToList();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ScrapeTimeout);
        var sharedRead = shared.Count == 0 ? Task.FromResult<IReadOnlyList<IReadOnlyList<SeriesSnapshot>>>([]) : _scraper.CollectAsync(shared, cancellationToken);
        SeriesSnapshot[][] perWriterSeries;
        try
        {
            perWriterSeries = await _perWriter.CollectAsync(perWriter, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Redis scrape timed out after {_options.ScrapeTimeout.TotalMilliseconds} ms.");
        }
        var sharedSeries = await sharedRead.ConfigureAwait(false);
        var result = new IReadOnlyList<SeriesSnapshot>[definitions.Count];
        for (int i = 0, nextShared = 0, nextPerWriter = 0; i < definitions.Count; i++)
        {
            result[i] = PerWriterGauges.Handles(definitions[i]) ? perWriterSeries[nextPerWriter++] : sharedSeries[nextShared++];
        }
        return result;
    }

    /// <summary>Flushes what is pending (waiting at most <see cref="RedisBackendOptions.ShutdownTimeout"/>) and closes the connection if the backend opened it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // The final flush runs on the thread pool; this thread only waits, bounded, so no context can deadlock it.
            Task.Run(ShutdownAsync).Wait();
        }
    }

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await ShutdownAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Flushes, retrying what stays unconfirmed, until everything is confirmed or <paramref name="budget"/> is spent.</summary>
    internal Task<Exception?> FlushWithinAsync(TimeSpan budget) => _protocol.RunBoundedAsync(async token =>
    {
        while (true)
        {
            var failure = await _protocol.FlushAsync(checkIdle: false, token).ConfigureAwait(false);
            if (failure is null || !_protocol.HasUnacknowledged || token.IsCancellationRequested)
            {
                return failure;
            }
            try
            {
                await Task.Delay(ShutdownRetryDelay, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return failure;
            }
        }
    }, budget);

    private async Task ShutdownAsync()
    {
        _hooks.Dispose();
        var elapsed = Stopwatch.StartNew();
        var budget = _options.ShutdownTimeout;
        await _flushLoop.StopAsync(budget).ConfigureAwait(false);
        var left = budget - elapsed.Elapsed;
        var failure = await FlushWithinAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1)).ConfigureAwait(false);
        left = budget - elapsed.Elapsed;
        await _perWriter.ShutdownAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1)).ConfigureAwait(false);
        var pending = _families.PendingSeries();
        if (pending > 0)
        {
            Log.ShutdownIncomplete(_logger, failure, pending);
        }
        await _connection.CloseAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Flushes (without disposing) when the process is asked to stop: if nobody cancels the signal the process ends right
    /// after its handlers, and if a host does (to shut down gracefully), the backend keeps working until its disposal.
    /// </summary>
    private void OnTerminationSignal()
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            Task.Run(async () =>
            {
                await FlushWithinAsync(_options.ShutdownTimeout).ConfigureAwait(false);
                try
                {
                    await _perWriter.FlushNowAsync(CancellationToken.None).WaitAsync(_options.ShutdownTimeout).ConfigureAwait(false);
                }
                catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
                {
                    // Kept pending; the application is stopping anyway.
                }
            }).Wait();
        }
    }

    /// <summary>Series (shared) and per-writer gauge values with a change not yet confirmed by Redis.</summary>
    private int PendingSeries() => _families.PendingSeries() + _perWriter.PendingCells();
}
