using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pytheus.Metrics;
using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>
/// The per-writer gauges of one backend and the liveness of every writer sharing its key prefix.
/// </summary>
/// <remarks>
/// <para>
/// Each writer announces itself at every flush with a heartbeat in <c>&lt;prefix&gt;:{@writers}</c> (a sorted set
/// scored by its deadline: Redis time plus its own liveness timeout) and writes its own gauge values as absolute numbers into its own hash per family, so a resend
/// is always harmless. A writer silent for longer than the liveness timeout is dead: the <c>Live</c> modes leave it
/// out at once. Once it has been dead for the retention time as well, the first survivor to notice unregisters it
/// (a script that checks the writer has not beaten since) and deletes the keys it listed in
/// <c>&lt;prefix&gt;:{@writers}:&lt;writer&gt;</c>, so nothing piles up however many processes come and go.
/// </para>
/// <para>
/// A writer that finds itself unregistered (it was taken for dead, or Redis lost its data) writes all its values
/// again, twice over two flushes so that a survivor's clean-up racing with the first resend cannot win.
/// </para>
/// </remarks>
internal sealed class PerWriterGauges
{
    private const int ResendRoundsAfterLoss = 2;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly FlushWake _wake = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly RedisConnection _connection;
    private readonly Action _onDataLoss;
    private readonly Func<IEnumerable<RedisKey>> _sharedKeys;
    private readonly HashSet<RedisKey> _listedSharedKeys = [];
    private readonly bool _immediate;
    private Task _loop = Task.CompletedTask;
    private bool _failing;

    private readonly ConcurrentDictionary<string, WriterGaugeFamily> _families = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<MetricDefinition, WriterGaugeFamily> _byDefinition = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<string, string[]?> _decoded = new(StringComparer.Ordinal);
    private readonly string _keyPrefix;
    private readonly string _writer;
    private readonly LivenessSettings _settings;
    private readonly ILogger _logger;
    private readonly RedisKey _writersKey;
    private readonly RedisKey _ownKeysKey;
    private int _resendRounds = ResendRoundsAfterLoss;
    private long _lastRefresh = Stopwatch.GetTimestamp();
    private WriterSet _writers = WriterSet.Empty;
    private long _cleanedWriters;
    private long _lastDeadline;

    public PerWriterGauges(
        RedisConnection connection, string keyPrefix, string writer, LivenessSettings settings, bool immediate, Action onDataLoss,
        Func<IEnumerable<RedisKey>> sharedKeys, ILogger logger)
    {
        _sharedKeys = sharedKeys;
        _onDataLoss = onDataLoss;
        _connection = connection;
        _immediate = immediate;
        _keyPrefix = keyPrefix;
        _writer = writer;
        _settings = settings;
        _logger = logger;
        _writersKey = WritersKey(keyPrefix);
        _ownKeysKey = WriterKeysKey(keyPrefix, writer);
    }

    /// <summary>The last writer set seen (at a flush or a scrape).</summary>
    public WriterSet Writers => Volatile.Read(ref _writers);

    /// <summary>Dead writers whose data this process removed.</summary>
    public long CleanedWriters => Interlocked.Read(ref _cleanedWriters);

    /// <summary>Marks a writer's own gauge hash among the keys it lists (shared family hashes never contain it).</summary>
    private const string OwnHashMarker = ":g:";

    public static RedisKey WritersKey(string prefix) => $"{prefix}:{{@writers}}";

    public static RedisKey WriterKeysKey(string prefix, string writer) => $"{prefix}:{{@writers}}:{writer}";

    /// <summary>Whether a family's values are kept per writer.</summary>
    public static bool Handles(MetricDefinition family) => family.Type == MetricType.Gauge && family.GaugeMode.IsPerWriter();

    public IValueStore CreateStore(ValueDescriptor descriptor) =>
        FamilyOf(descriptor.Definition).GetOrAddCell(descriptor.LabelValues as string[] ?? [.. descriptor.LabelValues], _immediate ? this : null);

    /// <summary>Starts the heartbeat-and-flush loop: every heartbeat period, and on every change when flushes are immediate.</summary>
    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Wakes the loop (immediate flushes). Allocation-free; at most one wake-up is outstanding.</summary>
    public void RequestFlush()
    {
        _wake.Request();
    }

    /// <summary>Flushes now, serialized with the loop and scrapes.</summary>
    /// <exception cref="RedisException">Redis could not be reached or refused; the values stay pending.</exception>
    public async Task FlushNowAsync(CancellationToken cancellationToken)
    {
        var database = await _connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await FlushAsync(database).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A scrape's part: this process's values first (read-your-writes), then every writer's, combined by mode.</summary>
    public async Task<SeriesSnapshot[][]> CollectAsync(IReadOnlyList<MetricDefinition> families, CancellationToken cancellationToken)
    {
        var database = await _connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await FlushAsync(database).ConfigureAwait(false);
            return await ReadAsync(database, families).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Stops the loop, then (within <paramref name="budget"/>) flushes what is pending and marks this writer dead now,
    /// so that the live modes drop it at once.
    /// </summary>
    public async Task ShutdownAsync(TimeSpan budget)
    {
        _stopping.Cancel();
        using var limit = new CancellationTokenSource(budget);
        try
        {
            await _loop.WaitAsync(limit.Token).ConfigureAwait(false);
            await FlushNowAsync(limit.Token).ConfigureAwait(false);
            await RetireAsync(await _connection.GetDatabaseAsync(limit.Token).ConfigureAwait(false)).WaitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            // Not retired (or a shared connection was closed first): the live modes drop this writer when its deadline passes instead.
            Log.PerWriterShutdownIncomplete(_logger, e, PendingCells());
        }
    }

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var period = _failing ? RetryDelay : _settings.HeartbeatPeriod;
                if (_immediate)
                {
                    await _wake.WaitAsync(period, token).ConfigureAwait(false);
                }
                else
                {
                    await Task.Delay(period, token).ConfigureAwait(false);
                }
                await FlushNowAsync(token).ConfigureAwait(false);
                if (_failing)
                {
                    _failing = false;
                    Log.PerWriterFlushRecovered(_logger);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
            {
                // Values stay pending (dirty) and the heartbeat is retried; the app never sees this.
                if (!_failing)
                {
                    _failing = true;
                    Log.PerWriterFlushFailing(_logger, e, PendingCells());
                }
            }
        }
    }

    public void Remove(MetricDefinition family, IReadOnlyList<string> labelValues) => FamilyOf(family).Remove(labelValues);

    public void RemoveAll(MetricDefinition family) => FamilyOf(family).RemoveAll();

    public int PendingCells() => _families.Values.Sum(f => f.PendingCells());

    /// <summary>
    /// Beats, applies queued removals, writes changed values (all of them after a loss), refreshes the TTL of this
    /// writer's keys every half TTL (an idle writer's values must not expire), then removes the data of writers dead
    /// past the retention.
    /// </summary>
    /// <remarks>
    /// Values are never resent on a timer: a series another process removed would come back with this writer's value.
    /// </remarks>
    private async Task FlushAsync(IDatabaseAsync database)
    {
        await BeatAsync(database).ConfigureAwait(false);
        var all = _resendRounds > 0;
        var refresh = Stopwatch.GetElapsedTime(_lastRefresh) > _settings.KeyTimeToLive / 2;
        var writers = Writers.DeadlinesMs.Keys.ToArray();
        var sent = new List<Task>();
        var confirmations = new List<(Task Reply, List<(WriterGaugeCell Cell, double Value, long Version)> Changes)>();
        var removalsTaken = new List<(WriterGaugeFamily Family, List<string?> Removals)>();
        var ttl = (long)_settings.KeyTimeToLive.TotalMilliseconds;
        // The shared family hashes this writer holds carry its batch-sequence field: list them once, so that whoever
        // removes this writer when it is dead can delete that field too.
        foreach (var key in _sharedKeys())
        {
            if (all || _listedSharedKeys.Add(key))
            {
                sent.Add(database.SetAddAsync(_ownKeysKey, (string)key!));
                sent.Add(database.KeyExpireAsync(_ownKeysKey, _settings.KeyTimeToLive));
            }
        }
        foreach (var family in _families.Values)
        {
            var removals = family.TakeRemovals();
            if (removals.Count > 0)
            {
                removalsTaken.Add((family, removals));
                foreach (var writer in writers)
                {
                    foreach (var removal in removals)
                    {
                        sent.Add(removal is null
                            ? database.KeyDeleteAsync(family.KeyOf(writer))
                            : database.HashDeleteAsync(family.KeyOf(writer), [removal, WriterGaugeFamily.TimePrefix + removal]));
                    }
                }
            }
            var changes = family.Changes(all);
            if (refresh)
            {
                sent.Add(database.KeyExpireAsync(family.KeyOf(_writer), _settings.KeyTimeToLive));
            }
            if (changes.Count == 0)
            {
                continue;
            }
            var args = new RedisValue[1 + 2 * changes.Count];
            args[0] = ttl;
            for (var i = 0; i < changes.Count; i++)
            {
                args[1 + 2 * i] = changes[i].Cell.LabelsText;
                args[2 + 2 * i] = RedisNumber.Format(changes[i].Value);
            }
            var key = family.KeyOf(_writer);
            confirmations.Add((database.ScriptEvaluateAsync(PerWriterScripts.WriteValues, [key], args), changes));
            sent.Add(database.SetAddAsync(_ownKeysKey, (string)key!));
            sent.Add(database.KeyExpireAsync(_ownKeysKey, _settings.KeyTimeToLive));
        }
        try
        {
            await Task.WhenAll(sent.Concat(confirmations.Select(c => c.Reply))).ConfigureAwait(false);
        }
        catch
        {
            // Removals are idempotent: put them back for the next flush. Unconfirmed values stay dirty.
            foreach (var (family, removals) in removalsTaken)
            {
                family.Requeue(removals);
            }
            throw;
        }
        foreach (var (_, changes) in confirmations)
        {
            foreach (var (cell, _, version) in changes)
            {
                cell.Confirm(version);
            }
        }
        if (all)
        {
            _resendRounds = Math.Max(0, _resendRounds - 1);
        }
        if (refresh)
        {
            await database.KeyExpireAsync(_ownKeysKey, _settings.KeyTimeToLive).ConfigureAwait(false);
            _lastRefresh = Stopwatch.GetTimestamp();
        }
        await RemoveExpiredWritersAsync(database).ConfigureAwait(false);
    }

    /// <summary>Marks this writer dead now (graceful shutdown, after its last flush): the live modes drop it at once.</summary>
    private Task RetireAsync(IDatabaseAsync database) => database.ScriptEvaluateAsync(PerWriterScripts.Retire, [_writersKey], [_writer]);

    /// <summary>Reads every writer's values of the given families (after a heartbeat, which refreshes the live set) and combines them by mode.</summary>
    private async Task<SeriesSnapshot[][]> ReadAsync(IDatabaseAsync database, IReadOnlyList<MetricDefinition> families)
    {
        await BeatAsync(database).ConfigureAwait(false);
        var writers = Writers;
        var names = writers.DeadlinesMs.Keys.ToArray();
        var reads = families.Select(f => names.Select(w => database.HashGetAllAsync(FamilyOf(f).KeyOf(w))).ToArray()).ToArray();
        await Task.WhenAll(reads.SelectMany(r => r)).ConfigureAwait(false);
        var result = new SeriesSnapshot[families.Count][];
        for (var i = 0; i < families.Count; i++)
        {
            var values = new List<WriterValue>();
            for (var w = 0; w < names.Length; w++)
            {
                values.AddRange(Parse(families[i], names[w], reads[i][w].Result));
            }
            result[i] = GaugeAggregation.Combine(families[i].GaugeMode, values, writers.IsLive);
        }
        return result;
    }

    private IEnumerable<WriterValue> Parse(MetricDefinition family, string writer, HashEntry[] entries)
    {
        var times = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var name = (string)entry.Name!;
            if (name.StartsWith(WriterGaugeFamily.TimePrefix, StringComparison.Ordinal))
            {
                times[name[WriterGaugeFamily.TimePrefix.Length..]] = (long)RedisNumber.Parse(entry.Value);
            }
        }
        foreach (var entry in entries)
        {
            var name = (string)entry.Name!;
            if (name.StartsWith(WriterGaugeFamily.TimePrefix, StringComparison.Ordinal) || Decode(family, name) is not { } labels)
            {
                continue;
            }
            yield return new WriterValue(writer, labels, RedisNumber.Parse(entry.Value), times.GetValueOrDefault(name));
        }
    }

    /// <summary>Label values of a field, or null when it does not fit the family's labels (another definition of the name).</summary>
    private string[]? Decode(MetricDefinition family, string labelsText)
    {
        if (_decoded.Count > 1_000_000)
        {
            _decoded.Clear();
        }
        return _decoded.GetOrAdd(string.Join('\n', family.Name, labelsText), _ => RedisLabelCodec.Decode(labelsText, family.LabelNames));
    }

    private async Task BeatAsync(IDatabaseAsync database)
    {
        var reply = (RedisResult[])(await database.ScriptEvaluateAsync(
            PerWriterScripts.Heartbeat, [_writersKey],
            [_writer, (long)_settings.KeyTimeToLive.TotalMilliseconds, (long)_settings.LivenessTimeout.TotalMilliseconds]).ConfigureAwait(false))!;
        var now = (long)reply[0];
        // Beats are serialized (the gate), so the deadline read before this one is at least the last one this writer
        // wrote — unless Redis went back in time, and with it this writer's values.
        var rolledBack = (long)reply[3] < _lastDeadline;
        _lastDeadline = (long)reply[4];
        if (((long)reply[1] == 1 || rolledBack) && Writers != WriterSet.Empty)
        {
            // Registered anew after having been registered (taken for dead and cleaned up, or Redis lost its data), or
            // found with an older deadline than it wrote (Redis restarted from an older snapshot).
            Log.WriterReRegistered(_logger, _writer);
            if (!_families.IsEmpty)
            {
                _onDataLoss();
            }
            _resendRounds = ResendRoundsAfterLoss;
        }
        Volatile.Write(ref _writers, WriterSet.Parse(now, (RedisResult[])reply[2]!));
    }

    private async Task RemoveExpiredWritersAsync(IDatabaseAsync database)
    {
        foreach (var (writer, deadline) in Writers.Expired(_settings.DeadWriterRetention))
        {
            if (writer == _writer)
            {
                continue;
            }
            var reply = (RedisResult[])(await database.ScriptEvaluateAsync(
                PerWriterScripts.Unregister, [_writersKey, WriterKeysKey(_keyPrefix, writer)], [writer, deadline]).ConfigureAwait(false))!;
            if ((long)reply[0] == 0)
            {
                continue;
            }
            var keys = (RedisResult[])reply[1]!;
            // Its own gauge hashes go whole; in shared family hashes only its batch-sequence field is its own.
            var sequenceField = RedisKeySchema.WriterField(writer);
            await Task.WhenAll(keys.Select(k => (string)k!).Select(key => key.Contains(OwnHashMarker, StringComparison.Ordinal)
                ? database.KeyDeleteAsync(key)
                : database.HashDeleteAsync(key, sequenceField))).ConfigureAwait(false);
            Interlocked.Increment(ref _cleanedWriters);
            Log.DeadWriterRemoved(_logger, writer, keys.Length);
        }
    }

    private WriterGaugeFamily FamilyOf(MetricDefinition family) =>
        _byDefinition.GetOrAdd(family, f => _families.GetOrAdd(f.Name, _ => new WriterGaugeFamily(f, _keyPrefix)));
}
