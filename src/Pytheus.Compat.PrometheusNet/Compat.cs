using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pytheus.Compat.PrometheusNet.Binding;
using Pytheus.Compat.PrometheusNet.Harvest;
using Pytheus.Compat.PrometheusNet.Patching;
using Pytheus.Compat.PrometheusNet.Redirects;
using PyBackend = Pytheus.Backends.Backend;
using PyRegistry = Pytheus.Registry.CollectorRegistry;

namespace Pytheus.Compat.PrometheusNet;

/// <summary>
/// Runs an unchanged prometheus-net 8 application on Pytheus: one call at start-up redirects prometheus-net's metric
/// updates, reads and exposition onto Pytheus metrics and the configured backend (e.g. Redis, shared by every process).
/// </summary>
public static class Compat
{
    private static readonly object Gate = new();
    private static PatchHandle? _active;
    private static Bridge? _bridge;

    // Every detour this process installed, by target: installed once, never removed.
    private static readonly Dictionary<System.Reflection.MethodBase, IMethodDetour> Installed = [];

    /// <summary>The active patch, if any.</summary>
    public static PatchHandle? Active => Volatile.Read(ref _active);

    /// <summary>
    /// Moves prometheus-net onto Pytheus, with the strategy chosen by <see cref="PatchOptions.Strategy"/> or
    /// <c>PYTHEUS_PATCH_STRATEGY</c> (see <see cref="PatchStrategy"/>). Call it first thing at start-up (first line of
    /// <c>Main</c>): under the detour strategy a caller that the JIT already optimized with prometheus-net inlined cannot
    /// be redirected, and <see cref="PatchReport.LateSigns"/> says when that may have happened. Idempotent and
    /// thread-safe: later calls return the active patch (their options are ignored).
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The detour strategy was asked for on a runtime, OS or CPU the detour engine does not support; nothing was changed.</exception>
    /// <exception cref="NotSupportedException">The loaded prometheus-net is not the 8.2.1 build this bridge knows; nothing was changed.</exception>
    /// <exception cref="InvalidOperationException"><c>PYTHEUS_PATCH_STRATEGY</c> or <c>PYTHEUS_NATIVE_HISTOGRAMS</c> holds a value it cannot take; nothing was changed.</exception>
    /// <exception cref="Pytheus.BucketException">An option of <see cref="PatchOptions.NativeHistograms"/> or <see cref="PatchOptions.NativeHistogramRules"/> is out of range; nothing was changed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="PatchOptions.HarvestInterval"/> is not positive.</exception>
    public static PatchHandle PatchClient(PatchOptions? options = null)
    {
        lock (Gate)
        {
            if (_active is { } active)
            {
                return active;
            }
            options ??= new PatchOptions();
            var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Pytheus.Compat.PrometheusNet");
            // Everything that can refuse (strategy, platform, prometheus-net build, backend configuration) runs before anything changes.
            var (requested, source) = StrategySelection.Requested(options, Environment.GetEnvironmentVariable);
            var native = NativeHistogramSettings.Resolve(options, Environment.GetEnvironmentVariable);
            var (detourer, reason) = StrategySelection.Resolve(requested, source, options, MethodDetourer.Create);
            Log.StrategyChosen(logger, detourer is null ? "portable" : "detour", reason);
            var handle = detourer is null ? PatchPortable(options, native, logger, reason) : PatchWithDetours(options, native, detourer, logger, reason);
            Volatile.Write(ref _active, handle);
            return handle;
        }
    }

    /// <summary>
    /// Shares a custom prometheus-net registry (<c>Metrics.NewCustomRegistry()</c>) under the portable strategy, which
    /// cannot discover registries by itself; <c>Metrics.DefaultRegistry</c> is always covered. The detour strategy
    /// covers every registry without it, so calling it is harmless there. It may be called before or after
    /// <see cref="PatchClient(PatchOptions?)"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="registry"/> is null.</exception>
    public static void Attach(Prometheus.CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        PortablePatch.Attach(registry);
    }

    private static PatchHandle PatchWithDetours(PatchOptions options, NativeHistogramSettings native, IMethodDetourer detourer, ILogger logger, string reason)
    {
        var bridge = BridgeFor(options, native, logger, seesObservations: true);
        var (internals, binder, synchronizer) = (bridge.Internals, bridge.Binder, bridge.Synchronizer);

        // Detours are installed once per process and never removed: undo only deactivates them (see PatchState).
        // A refusal half-way leaves the ones already made installed and inactive, where they run prometheus-net's
        // own code, so prometheus-net behaves exactly as before; a later PatchClient() installs the rest.
        var made = new List<IMethodDetour>();
        foreach (var redirect in RedirectTable.Build(internals.CollectAndSerialize))
        {
            if (Installed.ContainsKey(redirect.Target))
            {
                continue;
            }
            var detour = detourer.Redirect(redirect.Target, redirect.Replacement);
            redirect.SetOriginal(detour.OriginalEntryPoint);
            Installed[redirect.Target] = detour;
            made.Add(detour);
        }
        PatchState.Activate(binder, new Exporter(internals, synchronizer, options.ServeProtobuf ?? native.Any));

        var lateSigns = LateSigns(made).ToList();
        // Values prometheus-net stored before the patch (or while it was undone) belong in the backend too: fold them now.
        var escapedBefore = synchronizer.Escaped;
        synchronizer.Synchronize(Prometheus.Metrics.DefaultRegistry);
        var escapedNow = synchronizer.Escaped;
        if (escapedNow != escapedBefore && made.Count > 0)
        {
            lateSigns.Add($"prometheus-net metrics were updated before the patch (amount {escapedNow.Amount - escapedBefore.Amount}, " +
                $"{escapedNow.Observations - escapedBefore.Observations} observation(s); folded into the backend)");
        }
        var runtime = Installed.Values.FirstOrDefault()?.Diagnostics.Runtime ?? System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;
        var report = new PatchReport(Installed.Count, runtime, internals.Version, lateSigns, () => synchronizer.Escaped)
        {
            Strategy = PatchStrategy.Detour,
            StrategyReason = reason,
        };
        Log.Patched(logger, Installed.Count, bridge.Backend.GetType().Name, internals.Version);
        foreach (var sign in lateSigns)
        {
            Log.CalledLate(logger, sign);
        }
        return new PatchHandle(report, logger);
    }

    private static PatchHandle PatchPortable(PatchOptions options, NativeHistogramSettings native, ILogger logger, string reason)
    {
        // Prepared before the backend is resolved, so that its exit handler runs before the backend's last flush.
        var portable = PortablePatch.Prepare(options.HarvestInterval, logger);
        Bridge bridge;
        try
        {
            bridge = BridgeFor(options, native, logger, seesObservations: false);
        }
        catch
        {
            portable.Dispose();
            throw;
        }
        portable.Start(bridge.Harvester);
        if (options.ServeProtobuf == true)
        {
            Log.ProtobufNeedsDetour(logger);
        }
        // Values stored before the patch are changes like any other: the first harvest takes them, nothing is late.
        var report = new PatchReport(0, System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription, bridge.Internals.Version, [], () => (0, 0))
        {
            Strategy = PatchStrategy.Portable,
            StrategyReason = reason,
        };
        Log.Harvesting(logger, bridge.Backend.GetType().Name, options.HarvestInterval.TotalMilliseconds, bridge.Internals.Version);
        return new PatchHandle(report, logger, portable);
    }

    /// <summary>
    /// The bindings for this backend, registry and binding options: kept when patching again onto the same ones, so series
    /// continue where they were. Any change binds every metric anew, and the previous bindings' families leave the
    /// registries they were registered in.
    /// </summary>
    /// <remarks>
    /// Native histogram buckets need every observed value: the portable strategy only harvests prometheus-net's bucket
    /// counts (<paramref name="seesObservations"/> false), so there redirected histograms keep their classic buckets only.
    /// </remarks>
    private static Bridge BridgeFor(PatchOptions options, NativeHistogramSettings native, ILogger logger, bool seesObservations)
    {
        var backend = options.Backend ?? PyBackend.Current;
        var registry = options.Registry ?? PyRegistry.Default;
        var fingerprint = string.Join("\n",
            string.Join(",", options.LocalMetricPrefixes), options.DefaultGaugeMode,
            string.Join(",", options.GaugeModes.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}={r.Value}")),
            seesObservations ? native.Fingerprint : "classic");
        if (native.Any && !seesObservations)
        {
            Log.NativeNeedsObservations(logger);
        }
        if (_bridge is { } kept && ReferenceEquals(kept.Backend, backend) && ReferenceEquals(kept.Registry, registry) && kept.Fingerprint == fingerprint)
        {
            return kept;
        }
        _bridge?.Synchronizer.Retire();
        var created = new PrometheusNetInternals();
        var binder = new MetricBinder(
            created, backend, options.LocalMetricPrefixes.ToArray(), new MetricNameRules<Metrics.GaugeMode>(options.GaugeModes, options.DefaultGaugeMode),
            seesObservations ? native.Rules : new MetricNameRules<Metrics.NativeHistogramOptions?>([], null), logger);
        var synchronizer = new RegistrySynchronizer(binder, registry, logger);
        return _bridge = new Bridge(backend, registry, fingerprint, created, binder, synchronizer, new Harvester(binder, synchronizer, logger));
    }

    /// <summary>
    /// Undoes the active patch, if any: prometheus-net runs on its own storage again. No code is written: the
    /// redirections stay in place and run prometheus-net's original code until a patch is active again, so calls racing
    /// with the undo behave as prometheus-net. Under the portable strategy, harvesting stops.
    /// </summary>
    public static void UnpatchClient()
    {
        lock (Gate)
        {
            var active = _active;
            if (active is null)
            {
                return;
            }
            Volatile.Write(ref _active, null);
            PatchState.Deactivate();
            active.MarkUndone();
        }
    }

    private sealed record Bridge(
        Backends.IBackend Backend, PyRegistry Registry, string Fingerprint, PrometheusNetInternals Internals, MetricBinder Binder, RegistrySynchronizer Synchronizer,
        Harvester Harvester);

    private static IEnumerable<string> LateSigns(IEnumerable<IMethodDetour> detours)
    {
        var list = detours.ToList();
        foreach (var hot in list.Where(d => d.Diagnostics.PreexistingOptimizedBody))
        {
            yield return $"{hot.Target.DeclaringType?.Name}.{hot.Target.Name} was already optimized, so callers may have inlined it";
        }
        if (list.Any(d => d.Diagnostics.TieredCompilationDisabled))
        {
            yield return "tiered compilation is off, so any caller compiled before the patch was optimized at once and may have inlined prometheus-net";
        }
    }
}
