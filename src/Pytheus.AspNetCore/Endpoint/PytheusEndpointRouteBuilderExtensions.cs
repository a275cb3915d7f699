using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pytheus.Registry;

namespace Pytheus.AspNetCore;

/// <summary>Maps the Pytheus metrics endpoint.</summary>
public static class PytheusEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the registry on <c>GET</c> and <c>HEAD</c> at <paramref name="pattern"/>: Prometheus text format, or
    /// OpenMetrics when the <c>Accept</c> header asks for it; gzip-compressed when accepted; 503 with one line when the
    /// backend cannot be read. The endpoint is unauthenticated unless configured otherwise.
    /// </summary>
    /// <returns>The endpoint's convention builder, for <c>.RequireAuthorization(...)</c>, <c>.RequireHost(...)</c> and so on.</returns>
    public static IEndpointConventionBuilder MapPytheusMetrics(
        this IEndpointRouteBuilder endpoints, string pattern = "/metrics", Action<MetricsEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        var options = new MetricsEndpointOptions();
        configure?.Invoke(options);
        var services = endpoints.ServiceProvider;
        var handler = CreateHandler(options, services);
        var builder = endpoints.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Head], handler.HandleAsync)
            .WithDisplayName("Pytheus metrics");
        if (options.AuthorizationPolicy is not null)
        {
            builder.RequireAuthorization(options.AuthorizationPolicy);
        }
        return builder;
    }

    internal static MetricsEndpointHandler CreateHandler(MetricsEndpointOptions options, IServiceProvider services)
    {
        // Loads the configured backend now, so that metrics the application creates after this call use it.
        _ = services.GetService<Backends.IBackend>();
        Func<CollectorRegistry> registry = options.Registry is { } fixedRegistry ? () => fixedRegistry
            : services.GetService<CollectorRegistry>() is { } registered ? () => registered
            : () => CollectorRegistry.Default;
        var logger = (ILogger?)services.GetService<ILoggerFactory>()?.CreateLogger(Log.Category) ?? NullLogger.Instance;
        return new MetricsEndpointHandler(registry, options, logger);
    }
}
