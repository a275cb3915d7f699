using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pytheus.Backends;
using Pytheus.Backends.Redis;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.AspNetCore;

/// <summary>
/// Reports whether the backend can serve a scrape.
/// <list type="bullet">
/// <item>In-process: always healthy.</item>
/// <item>Redis: a read round trip (unhealthy — the registration's failure status — when Redis cannot be reached), then
/// the flush lag: degraded when changes have been waiting longer than the allowed lag. The data carry
/// <c>reachable</c>, <c>round_trip_ms</c>, <c>pending_series</c> and <c>seconds_since_last_flush</c>.</item>
/// <item>Another collecting backend (<see cref="ICollectingBackend"/>): a read of the registry's families stored in it.</item>
/// </list>
/// </summary>
public sealed class PytheusHealthCheck : IHealthCheck
{
    private readonly IBackend _backend;
    private readonly CollectorRegistry _registry;
    private readonly TimeSpan _maxFlushLag;
    // Health checks are created per run: one probe per backend, not per run (each would add a series to the backend).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IBackend, MetricFamily> Probes = new();

    /// <summary>Creates the check for <paramref name="backend"/> and the families of <paramref name="registry"/>.</summary>
    /// <param name="backend">The backend to check.</param>
    /// <param name="registry">The registry whose families a generic collecting backend is asked to read.</param>
    /// <param name="maxFlushLag">For Redis: how long changes may wait unconfirmed before the check reports degraded (default 30 s).</param>
    public PytheusHealthCheck(IBackend backend, CollectorRegistry registry, TimeSpan? maxFlushLag = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(registry);
        _backend = backend;
        _registry = registry;
        _maxFlushLag = maxFlushLag ?? TimeSpan.FromSeconds(30);
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = _backend.GetType().Name;
        var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["backend"] = name };
        if (_backend is not ICollectingBackend collecting)
        {
            return HealthCheckResult.Healthy($"{name} keeps values in this process.", data);
        }
        var families = _backend is RedisBackend
            ? [Probe()]
            : _registry.Collectors.OfType<MetricFamily>().Where(f => ReferenceEquals(f.Backend, _backend)).ToList();
        var watch = Stopwatch.StartNew();
        try
        {
            await collecting.CollectAsync(families.Select(f => f.Definition).ToList(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            data["reachable"] = false;
            AddRedisState(data);
            return new HealthCheckResult(context.Registration.FailureStatus, $"{name} cannot be read: {OneLine(e.Message)}", e, data);
        }
        data["reachable"] = true;
        data["round_trip_ms"] = Math.Round(watch.Elapsed.TotalMilliseconds, 1);
        if (AddRedisState(data) is var (pending, lag) && pending > 0 && lag > _maxFlushLag.TotalSeconds)
        {
            return HealthCheckResult.Degraded(
                $"{name} is reachable but {pending} series have waited {lag:0} s to be flushed (allowed {_maxFlushLag.TotalSeconds:0} s).", null, data);
        }
        return HealthCheckResult.Healthy($"{name} is reachable.", data);
    }

    // Reads the Redis backend's status snapshot.
    private (double Pending, double Lag)? AddRedisState(Dictionary<string, object> data)
    {
        if (_backend is not RedisBackend redis)
        {
            return null;
        }
        var status = redis.Status;
        data["pending_series"] = (double)status.PendingSeries;
        data["seconds_since_last_flush"] = Math.Round(status.SecondsSinceLastSuccessfulFlush, 3);
        data["key_prefix"] = redis.KeyPrefix;
        return (status.PendingSeries, status.SecondsSinceLastSuccessfulFlush);
    }

    // A family of its own, in no registry and never written, so that the check reads one small key whatever the
    // application registered. Shared mode: a per-writer gauge would hold a value of its own to send.
    private MetricFamily Probe() => Probes.GetValue(_backend, static backend => new Gauge(
        "pytheus_health_probe", "Read by the Pytheus health check; never written.", registry: CollectorRegistry.None, backend: backend,
        mode: GaugeMode.Shared).Family);

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
