using LegacyLibrary;
using Pytheus.Tests.Shared;

namespace Pytheus.Compat.PrometheusNet.Tests.Redis;

/// <summary>
/// The fidelity scenarios under PatchClient() on a real redis-server record what plain prometheus-net records — except
/// those that remove series: the bridge removes them through Pytheus's <c>RemoveLabelValues</c>, but the Redis backend
/// does not yet delete a counter's series across processes (issue 12), so the stored value stays and is exposed.
/// </summary>
public sealed class RedisFidelityTests : IDisposable
{
    private readonly RedisServer _redis = new();

    [Fact]
    public async Task On_Redis_the_patched_scenarios_record_what_plain_prometheus_net_records()
    {
        using var config = await WorkerRedisConfig.CreateAsync(_redis, "fidelity");

        var plain = Transcripts.Parse(await LegacyWorker.RunAsync(["scenarios"]));
        var patched = Transcripts.Parse(await LegacyWorker.RunAsync(["scenarios", "patched"], config.Environment()));

        string[] removingSeries = [nameof(FidelityScenarios.RemoveAndRecreate), nameof(FidelityScenarios.RemoveUnlabelled)];
        foreach (var name in FidelityScenarios.All.Keys.Except(removingSeries))
        {
            Transcripts.ShouldMatch(patched[name], plain[name], name);
        }
    }

    public void Dispose() => _redis.Dispose();
}
