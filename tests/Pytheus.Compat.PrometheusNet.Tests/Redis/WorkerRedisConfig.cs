using System.Text.Json;
using Pytheus.Tests.Shared;

namespace Pytheus.Compat.PrometheusNet.Tests.Redis;

/// <summary>A Redis backend configuration file for LegacyWorker processes (a key prefix of its own), deleted on dispose.</summary>
internal sealed class WorkerRedisConfig : IDisposable
{
    private WorkerRedisConfig(string path) => Path = path;

    public string Path { get; }

    /// <summary>The environment that makes PatchClient() in a worker use this configuration.</summary>
    public (string Name, string Value)[] Environment(params (string Name, string Value)[] more) =>
        [("PYTHEUS_BACKEND_CLASS", "Pytheus.Backends.Redis.RedisBackend, Pytheus.Redis"), ("PYTHEUS_BACKEND_CONFIG", Path), .. more];

    public static async Task<WorkerRedisConfig> CreateAsync(RedisServer redis, string keyPrefix)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"pytheus-{keyPrefix}-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["host"] = "127.0.0.1", ["port"] = redis.Port, ["key_prefix"] = keyPrefix + Guid.NewGuid().ToString("N")[..8], ["flush_interval_ms"] = 100,
        }));
        return new WorkerRedisConfig(path);
    }

    public void Dispose() => File.Delete(Path);
}
