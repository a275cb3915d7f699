using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Pytheus.Compat.PrometheusNet.Harvest;

/// <summary>
/// The portable strategy while it is active: a timer that harvests every <see cref="PatchOptions.HarvestInterval"/>,
/// a before-collect callback on each covered prometheus-net registry (prometheus-net runs those before every export,
/// whatever the exporter), and a last harvest when the process stops or the patch is undone.
/// </summary>
internal sealed class PortablePatch : IDisposable
{
    // prometheus-net cannot remove a before-collect callback, so each registry gets one for the process's lifetime,
    // which does nothing while no portable patch is active.
    private static readonly ConditionalWeakTable<CollectorRegistry, object> Hooked = new();
    private static readonly ConditionalWeakTable<CollectorRegistry, object> Attached = new();
    private static readonly object HookGate = new();
    private static PortablePatch? _active;

    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly Timer _timer;
    private readonly PosixSignalRegistration?[] _signals;
    private Harvester? _harvester;
    private int _stopped;

    private PortablePatch(TimeSpan interval, ILogger logger)
    {
        _interval = interval;
        _logger = logger;
        _timer = new Timer(_ => Tick(), null, Timeout.Infinite, Timeout.Infinite);
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        _signals = [RegisterSignal(PosixSignal.SIGTERM), RegisterSignal(PosixSignal.SIGINT)];
    }

    /// <summary>
    /// Prepares the strategy before the backend is resolved, so that its process-exit handler runs before the backend's
    /// own (which sends what is pending one last time): changes harvested at exit still reach the backend.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The interval is not positive.</exception>
    public static PortablePatch Prepare(TimeSpan interval, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero, nameof(PatchOptions.HarvestInterval));
        return new PortablePatch(interval, logger);
    }

    /// <summary>Starts harvesting <c>Metrics.DefaultRegistry</c> and every attached registry with <paramref name="harvester"/>.</summary>
    public void Start(Harvester harvester)
    {
        Volatile.Write(ref _harvester, harvester);
        lock (HookGate)
        {
            Volatile.Write(ref _active, this);
            Hook(Prometheus.Metrics.DefaultRegistry);
            foreach (var (registry, _) in Attached)
            {
                Hook(registry);
            }
        }
        _timer.Change(_interval, _interval);
    }

    /// <summary>Covers a custom registry (under any strategy: it takes effect whenever the portable one is active).</summary>
    public static void Attach(CollectorRegistry registry)
    {
        lock (HookGate)
        {
            Attached.AddOrUpdate(registry, registry);
            if (_active is not null)
            {
                Hook(registry);
            }
        }
    }

    /// <summary>Stops harvesting: a last harvest moves what is left, and gauges get this process's own value back.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }
        using (var done = new ManualResetEvent(false))
        {
            _timer.Dispose(done);
            done.WaitOne();
        }
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        foreach (var registration in _signals)
        {
            registration?.Dispose();
        }
        HarvestNow(long.MaxValue, release: true);
        lock (HookGate)
        {
            if (ReferenceEquals(_active, this))
            {
                Volatile.Write(ref _active, null);
            }
        }
    }

    private static IEnumerable<CollectorRegistry> Covered()
    {
        lock (HookGate)
        {
            return [Prometheus.Metrics.DefaultRegistry, .. Attached.Select(p => p.Key).Where(r => !ReferenceEquals(r, Prometheus.Metrics.DefaultRegistry))];
        }
    }

    private static void Hook(CollectorRegistry registry)
    {
        if (Hooked.TryGetValue(registry, out _))
        {
            return;
        }
        Hooked.Add(registry, registry);
        registry.AddBeforeCollectCallback(cancel => Volatile.Read(ref _active) is { } active ? active.BeforeCollectAsync(registry, cancel) : Task.CompletedTask);
    }

    private async Task BeforeCollectAsync(CollectorRegistry registry, CancellationToken cancel)
    {
        try
        {
            await _harvester!.HarvestAndShowAsync(registry, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // prometheus-net would only trace it: the export goes on with the values prometheus-net holds.
            Log.ShowFailed(_logger, e);
        }
    }

    private void Tick()
    {
        // A gauge shown for an export gets its own value back half an interval later at the earliest: the export is over.
        HarvestNow(Stopwatch.GetTimestamp() - (long)(_interval.TotalSeconds / 2 * Stopwatch.Frequency), wait: false);
    }

    private void HarvestNow(long restoreShownBefore, bool wait = true, bool release = false)
    {
        if (Volatile.Read(ref _harvester) is not { } harvester)
        {
            return;
        }
        try
        {
            harvester.HarvestAll(Covered(), restoreShownBefore, wait, release);
        }
        catch (Exception e)
        {
            Log.HarvestFailed(_logger, e);
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => HarvestNow(long.MaxValue);

    private PosixSignalRegistration? RegisterSignal(PosixSignal signal)
    {
        try
        {
            // Without a host, SIGTERM and SIGINT end the process without ProcessExit: harvest before the backend's last flush.
            return PosixSignalRegistration.Create(signal, _ => HarvestNow(long.MaxValue));
        }
        catch (Exception e) when (e is PlatformNotSupportedException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
