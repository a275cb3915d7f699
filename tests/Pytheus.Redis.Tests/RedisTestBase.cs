using Pytheus.Backends;
using Pytheus.Backends.Redis;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Redis.Tests;

/// <summary>Gives each test its own key prefix and disposes the backends it created.</summary>
public abstract class RedisTestBase(RedisServer server) : IDisposable
{
    private readonly List<RedisBackend> _backends = [];

    protected RedisServer Server { get; } = server;

    /// <summary>A key prefix no other test uses.</summary>
    protected string Prefix { get; } = "t" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A backend on the shared server; its background flusher is effectively off (tests flush or scrape explicitly).</summary>
    protected RedisBackend NewBackend(Action<RedisBackendOptions>? configure = null, string? prefix = null)
    {
        var options = new RedisBackendOptions
        {
            ConnectionString = Server.ConnectionString,
            KeyPrefix = prefix ?? Prefix,
            FlushInterval = TimeSpan.FromHours(1),
            ScrapeTimeout = TimeSpan.FromSeconds(15),
        };
        configure?.Invoke(options);
        var backend = new RedisBackend(options);
        _backends.Add(backend);
        return backend;
    }

    /// <summary>The Redis hash of a metric's family under this test's prefix (its name and definition).</summary>
    protected string KeyOf(Metric metric, string? prefix = null) =>
        RedisKeySchema.DataKey(prefix ?? Prefix, metric.Name, RedisDefinition.Of(metric.Family.Definition)).ToString();

    /// <summary>Creates metrics on <paramref name="backend"/> without touching the process-wide backend.</summary>
    protected static T On<T>(IBackend backend, Func<T> create)
    {
        using (Backend.BeginScope(backend))
        {
            return create();
        }
    }

    protected static string Scrape(CollectorRegistry registry) => MetricsExposition.GenerateMetricsAsync(registry).GetAwaiter().GetResult();

    public void Dispose()
    {
        foreach (var backend in _backends)
        {
            backend.Dispose();
        }
        GC.SuppressFinalize(this);
    }
}
