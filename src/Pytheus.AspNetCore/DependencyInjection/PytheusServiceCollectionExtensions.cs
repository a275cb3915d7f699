using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pytheus.Backends;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.AspNetCore;

/// <summary>Registers Pytheus in a service collection.</summary>
public static class PytheusServiceCollectionExtensions
{
    /// <summary>
    /// Registers the backend (<see cref="IBackend"/>, also loaded as <see cref="Backend.Current"/> unless
    /// <see cref="PytheusOptions.SetAsCurrentBackend"/> is false), the registry (<see cref="CollectorRegistry"/>), an
    /// <see cref="IMetricFactory"/> bound to both (inject it to create metrics that never depend on the process-wide
    /// defaults or on start-up order) and a hosted service that creates the backend at startup and flushes and disposes it on graceful shutdown.
    /// Options come from the <c>"Pytheus"</c> configuration section when an <see cref="IConfiguration"/> is registered,
    /// then from <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddPytheus(this IServiceCollection services, Action<PytheusOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PytheusOptions>()
            .Configure<IServiceProvider>((options, provider) =>
            {
                var section = provider.GetService<IConfiguration>()?.GetSection(PytheusOptions.SectionName);
                if (section is not null && section.Exists())
                {
                    section.Bind(options);
                }
            });
        if (configure is not null)
        {
            services.Configure(configure);
        }
        return AddCore(services);
    }

    /// <summary>
    /// Registers Pytheus with options bound from <paramref name="configuration"/> (usually
    /// <c>builder.Configuration.GetSection("Pytheus")</c>), then adjusted by <paramref name="configure"/>.
    /// See <see cref="AddPytheus(IServiceCollection, Action{PytheusOptions})"/>.
    /// </summary>
    public static IServiceCollection AddPytheus(
        this IServiceCollection services, IConfiguration configuration, Action<PytheusOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PytheusOptions>().Bind(configuration);
        if (configure is not null)
        {
            services.Configure(configure);
        }
        return AddCore(services);
    }

    /// <summary>
    /// Serves metrics on a port of their own (a minimal Kestrel server started and stopped with the host), in addition to
    /// or instead of <see cref="PytheusEndpointRouteBuilderExtensions.MapPytheusMetrics"/>. Also registers Pytheus
    /// (<see cref="AddPytheus(IServiceCollection, Action{PytheusOptions})"/>) if it is not yet. The endpoint is
    /// unauthenticated unless basic authentication is configured.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="port">The TCP port (0 picks a free one; see <see cref="PytheusMetricServer.Urls"/>).</param>
    /// <param name="configure">Further options: bound address, path, registry, compression, basic authentication.</param>
    public static IServiceCollection AddPytheusMetricServer(
        this IServiceCollection services, int port = 9464, Action<MetricServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        if (!services.Any(d => d.ServiceType == typeof(IBackend)))
        {
            services.AddPytheus();
        }
        services.Configure<MetricServerOptions>(options =>
        {
            options.Port = port;
            configure?.Invoke(options);
        });
        services.TryAddSingleton<PytheusMetricServer>();
        services.AddHostedService(provider => provider.GetRequiredService<PytheusMetricServer>());
        return services;
    }

    /// <summary>
    /// Exports instruments of the listed <see cref="System.Diagnostics.Metrics.Meter"/>s as Pytheus metrics (opt-in; see
    /// <see cref="PytheusMeterBridge"/> for the mapping). Also registers Pytheus if it is not yet.
    /// </summary>
    /// <example><c>services.AddPytheusMeterBridge(o => o.Meters.Add("Microsoft.AspNetCore.Hosting"));</c></example>
    public static IServiceCollection AddPytheusMeterBridge(this IServiceCollection services, Action<MeterBridgeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        if (!services.Any(d => d.ServiceType == typeof(IBackend)))
        {
            services.AddPytheus();
        }
        services.Configure(configure);
        services.TryAddSingleton<PytheusMeterBridge>();
        services.AddHostedService(provider => provider.GetRequiredService<PytheusMeterBridge>());
        return services;
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.TryAddSingleton<IBackend>(PytheusBackendFactory.Create);
        services.TryAddSingleton(provider =>
            provider.GetRequiredService<IOptions<PytheusOptions>>().Value.Registry ?? CollectorRegistry.Default);
        services.TryAddSingleton<IMetricFactory>(provider =>
            new MetricFactory(provider.GetRequiredService<CollectorRegistry>(), provider.GetRequiredService<IBackend>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PytheusHostedService>());
        return services;
    }
}
