using System.Text.Json;
using LegacyLibrary;
using Pytheus.Tests.Shared;

namespace Pytheus.Compat.PrometheusNet.Tests.Redis;

/// <summary>
/// The fidelity scenarios under PatchClient() on a real redis-server record what plain prometheus-net records — except
/// those that remove series: a shared backend keeps a removed series' stored values, and deleting them across processes
/// is issue 12 (the bridge already routes every removal through Pytheus's <c>RemoveLabelValues</c>).
/// </summary>
public sealed class RedisFidelityTests : IDisposable
{
    private readonly RedisServer _redis = new();

    [Fact]
    public async Task On_Redis_the_patched_scenarios_record_what_plain_prometheus_net_records()
    {
        var config = Path.Combine(Path.GetTempPath(), $"pytheus-compat-fidelity-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["host"] = "127.0.0.1", ["port"] = _redis.Port, ["key_prefix"] = "fidelity" + Guid.NewGuid().ToString("N")[..8], ["flush_interval_ms"] = 100,
        }));

        var plain = Transcripts.Parse(await LegacyWorker.RunAsync(["scenarios"]));
        var patched = Transcripts.Parse(await LegacyWorker.RunAsync(["scenarios", "patched"],
            ("PYTHEUS_BACKEND_CLASS", "Pytheus.Backends.Redis.RedisBackend, Pytheus.Redis"), ("PYTHEUS_BACKEND_CONFIG", config)));

        string[] removingSeries = [nameof(FidelityScenarios.RemoveAndRecreate), nameof(FidelityScenarios.RemoveUnlabelled)];
        foreach (var name in FidelityScenarios.All.Keys.Except(removingSeries))
        {
            Transcripts.ShouldMatch(patched[name], plain[name], name);
        }
        File.Delete(config);
    }

    public void Dispose() => _redis.Dispose();
}
