using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pytheus.Backends;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.AspNetCore;

/// <summary>
/// Reports whether the backend can serve a scrape. A backend that reads remotely (<see cref="ICollectingBackend"/>) is
/// asked to read the registry's families stored in it; a failure is reported with the registration's failure status.
/// The in-process backend is always healthy.
/// </summary>
public sealed class PytheusHealthCheck : IHealthCheck
{
    private readonly IBackend _backend;
    private readonly CollectorRegistry _registry;

    /// <summary>Creates the check for <paramref name="backend"/> and the families of <paramref name="registry"/>.</summary>
    public PytheusHealthCheck(IBackend backend, CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(registry);
        _backend = backend;
        _registry = registry;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["backend"] = _backend.GetType().Name,
        };
        if (_backend is not ICollectingBackend collecting)
        {
            return HealthCheckResult.Healthy($"{_backend.GetType().Name} keeps values in this process.", data);
        }
        var families = _registry.Collectors.OfType<MetricFamily>().Where(f => ReferenceEquals(f.Backend, _backend)).ToList();
        try
        {
            var series = await collecting.CollectAsync(families, cancellationToken).ConfigureAwait(false);
            data["families"] = families.Count;
            data["series"] = series.Sum(s => s.Count);
            return HealthCheckResult.Healthy($"{_backend.GetType().Name} answered a scrape of {families.Count} families.", data);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"{_backend.GetType().Name} cannot be read: {OneLine(e.Message)}", e, data);
        }
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
