using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pytheus.Backends;
using Pytheus.Backends.InProcess;
using Pytheus.Backends.Redis;
using Pytheus.Registry;
using StackExchange.Redis;

namespace Pytheus.AspNetCore;

/// <summary>Creates the backend <see cref="PytheusOptions"/> describe, once per service provider.</summary>
internal static class PytheusBackendFactory
{
    public static IBackend Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<PytheusOptions>>().Value;
        var backend = options.BackendInstance ?? Construct(options, services);
        if (backend is RedisBackend redis && options.RegisterBackendMetrics)
        {
            var registry = options.Registry ?? CollectorRegistry.Default;
            if (!registry.Collectors.Contains(redis.Metrics))
            {
                registry.Register(redis.Metrics);
            }
        }
        if (options.SetAsCurrentBackend)
        {
            Backend.LoadBackend(backend);
        }
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger(Log.Category);
        if (logger is not null)
        {
            Log.BackendReady(logger, backend.GetType().Name, options.SetAsCurrentBackend);
        }
        return backend;
    }

    private static IBackend Construct(PytheusOptions options, IServiceProvider services)
    {
        var name = options.Backend?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            if (options.BackendConfig.Count > 0)
            {
                throw new InvalidBackendConfigException(
                    $"{PytheusOptions.SectionName}:{nameof(PytheusOptions.BackendConfig)} is set but {PytheusOptions.SectionName}:{nameof(PytheusOptions.Backend)} is not; name the backend (InProcess, Redis or a type name).");
            }
            // No choice in configuration: the environment's (PYTHEUS_BACKEND_CLASS) or in-process.
            return Backend.Current;
        }
        if (name.Equals("InProcess", StringComparison.OrdinalIgnoreCase))
        {
            return new InProcessBackend(options.ToBackendConfig());
        }
        if (name.Equals("Redis", StringComparison.OrdinalIgnoreCase) || name == typeof(RedisBackend).FullName)
        {
            var redisOptions = RedisBackendOptions.FromConfig(options.ToBackendConfig());
            redisOptions.LoggerFactory = services.GetService<ILoggerFactory>();
            if (options.UseRegisteredConnectionMultiplexer && services.GetService<IConnectionMultiplexer>() is { } connection)
            {
                if (options.BackendConfig.ContainsKey("host") || options.BackendConfig.ContainsKey("connection_string"))
                {
                    throw new InvalidBackendConfigException(
                        $"An {nameof(IConnectionMultiplexer)} is registered and {PytheusOptions.SectionName}:{nameof(PytheusOptions.BackendConfig)} names a Redis server too; " +
                        $"remove one, or set {nameof(PytheusOptions.UseRegisteredConnectionMultiplexer)} to false.");
                }
                redisOptions.Connection = connection;
            }
            options.ConfigureRedis?.Invoke(redisOptions);
            return new RedisBackend(redisOptions);
        }
        return Backend.Create(Backend.ResolveType(name), options.ToBackendConfig());
    }
}
