using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pytheus.Backends;
using Pytheus.Registry;

namespace Pytheus.AspNetCore;

/// <summary>Adds the Pytheus health check.</summary>
public static class PytheusHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="PytheusHealthCheck"/> for the registered backend and registry (else <see cref="Backend.Current"/>
    /// and <see cref="CollectorRegistry.Default"/>).
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status reported when the backend cannot be read (default: unhealthy).</param>
    /// <param name="tags">Tags for filtering checks (e.g. <c>"ready"</c>).</param>
    /// <param name="timeout">How long the check may take.</param>
    /// <param name="maxFlushLag">For Redis: how long changes may wait unconfirmed before the check reports degraded (default 30 s).</param>
    public static IHealthChecksBuilder AddPytheus(
        this IHealthChecksBuilder builder, string name = "pytheus", HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null, TimeSpan? timeout = null, TimeSpan? maxFlushLag = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            services => new PytheusHealthCheck(
                services.GetService<IBackend>() ?? Backend.Current,
                services.GetService<CollectorRegistry>() ?? CollectorRegistry.Default,
                maxFlushLag),
            failureStatus,
            tags,
            timeout));
    }
}
