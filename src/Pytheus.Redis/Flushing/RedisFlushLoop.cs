namespace Pytheus.Backends.Redis;

/// <summary>
/// The background flusher: every <see cref="RedisBackendOptions.FlushInterval"/> (on the injected clock), or — with an
/// interval of zero — as soon as a change wakes it. Families with nothing to send are checked for data loss at every
/// flush, but at most every <see cref="MinIdleCheckInterval"/>, and at least every <see cref="MaxIdleCheckInterval"/>
/// when the interval is zero.
/// </summary>
internal sealed class RedisFlushLoop
{
    private static readonly TimeSpan ImmediateModeRetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MinIdleCheckInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxIdleCheckInterval = TimeSpan.FromSeconds(1);

    private readonly RedisBatchProtocol _protocol;
    private readonly RedisBackendStats _stats;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private int _wakeRequested;
    private long _lastIdleCheck;

    public RedisFlushLoop(RedisBatchProtocol protocol, RedisBackendStats stats, TimeProvider time, TimeSpan interval)
    {
        _protocol = protocol;
        _stats = stats;
        _time = time;
        _interval = interval;
        _lastIdleCheck = time.GetTimestamp();
    }

    public bool IsImmediate => _interval == TimeSpan.Zero;

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Wakes the flusher (flush interval zero). Allocation-free; at most one wake-up is outstanding.</summary>
    public void RequestFlush()
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

    /// <summary>Wakes the flusher when flushes are immediate (a removal has no cell to wake it).</summary>
    public void RequestFlushIfImmediate()
    {
        if (IsImmediate)
        {
            RequestFlush();
        }
    }

    /// <summary>Stops the loop, waiting at most <paramref name="budget"/> for a flush in progress.</summary>
    public async Task StopAsync(TimeSpan budget)
    {
        _stopping.Cancel();
        try
        {
            await _loop.WaitAsync(budget).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A flush is still waiting for Redis; it keeps the protocol's gate until it ends.
        }
    }

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                if (IsImmediate)
                {
                    var delay = _stats.Failing ? ImmediateModeRetryDelay : MaxIdleCheckInterval;
                    await _wake.WaitAsync(delay, token).ConfigureAwait(false);
                    Volatile.Write(ref _wakeRequested, 0);
                }
                else
                {
                    await Task.Delay(_interval, _time, token).ConfigureAwait(false);
                }
                var checkIdle = _time.GetElapsedTime(_lastIdleCheck) >= MinIdleCheckInterval;
                if (checkIdle)
                {
                    _lastIdleCheck = _time.GetTimestamp();
                }
                await _protocol.RunAsync(t => _protocol.FlushAsync(checkIdle, t), token).ConfigureAwait(false);
                if (IsImmediate && _stats.Failing)
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
}
