using Pytheus.Backends;
using Pytheus.Backends.Redis;
using Pytheus.Registry;

namespace Pytheus.AspNetCore;

/// <summary>
/// Options of <see cref="PytheusServiceCollectionExtensions.AddPytheus(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{PytheusOptions})"/>:
/// which backend stores the values and which registry is exposed. Bound from the <c>"Pytheus"</c> configuration section
/// (<see cref="SectionName"/>), so environment variables such as <c>Pytheus__Backend=Redis</c> and
/// <c>Pytheus__BackendConfig__host=redis</c> override <c>appsettings.json</c>.
/// </summary>
public sealed class PytheusOptions
{
    /// <summary>The configuration section these options are usually bound from.</summary>
    public const string SectionName = "Pytheus";

    /// <summary>
    /// The backend: <c>InProcess</c>, <c>Redis</c>, or a backend type name (assembly-qualified when it lives outside the
    /// loaded assemblies). Null or empty leaves the choice to <see cref="Backends.Backend.Current"/>, that is to the
    /// <c>PYTHEUS_BACKEND_CLASS</c> and <c>PYTHEUS_BACKEND_CONFIG</c> environment variables, else in-process.
    /// </summary>
    public string? Backend { get; set; }

    /// <summary>
    /// The backend's settings, passed to it as a <see cref="Backends.BackendConfig"/> (for Redis: <c>host</c>, <c>port</c>,
    /// <c>db</c>, <c>password</c>, <c>key_prefix</c>, ...). Configuration values arrive as strings; the backend's typed
    /// getters parse them.
    /// </summary>
    public IDictionary<string, string?> BackendConfig { get; set; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>An already constructed backend to use instead of <see cref="Backend"/> (code only, not bindable).</summary>
    public IBackend? BackendInstance { get; set; }

    /// <summary>The registry to expose and to register this package's metrics in; null means <see cref="CollectorRegistry.Default"/>.</summary>
    public CollectorRegistry? Registry { get; set; }

    /// <summary>
    /// Whether the backend is loaded as <see cref="Backends.Backend.Current"/>, so that plain <c>new Counter(...)</c> stores
    /// its values there (default true).
    /// </summary>
    public bool SetAsCurrentBackend { get; set; } = true;

    /// <summary>
    /// Whether the hosted service flushes and disposes the backend on graceful shutdown (default true). Backends that
    /// buffer writes (Redis) lose at most what the host's shutdown timeout does not leave time to flush.
    /// </summary>
    public bool FlushOnShutdown { get; set; } = true;

    /// <summary>
    /// With the <c>Redis</c> backend: whether an <see cref="StackExchange.Redis.IConnectionMultiplexer"/> registered in the
    /// service collection is reused instead of opening a connection of its own (default true). The backend then leaves
    /// that connection open when it is disposed; <see cref="BackendConfig"/> must not name a server too.
    /// </summary>
    public bool UseRegisteredConnectionMultiplexer { get; set; } = true;

    /// <summary>
    /// With the <c>Redis</c> backend: whether its own metrics (<c>pytheus_redis_*</c>: flushes, failures, pending series,
    /// seconds since the last flush) are registered in the registry (default true).
    /// </summary>
    public bool RegisterBackendMetrics { get; set; } = true;

    /// <summary>
    /// With the <c>Redis</c> backend: adjusts the options built from <see cref="BackendConfig"/> before the backend is
    /// created (code only), e.g. to set a <see cref="RedisBackendOptions.TimeProvider"/>.
    /// </summary>
    public Action<RedisBackendOptions>? ConfigureRedis { get; set; }

    /// <summary>Builds the <see cref="Backends.BackendConfig"/> handed to the backend.</summary>
    public BackendConfig ToBackendConfig()
    {
        var config = new BackendConfig();
        foreach (var (key, value) in BackendConfig)
        {
            config[key] = value;
        }
        return config;
    }
}
