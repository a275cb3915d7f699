using LegacyLibrary;
using Pytheus.Tests.Shared;

namespace Pytheus.Compat.PrometheusNet.Tests.Redis;

/// <summary>
/// Every fidelity scenario under PatchClient() on a real redis-server records what plain prometheus-net records —
/// including those that remove series, which the bridge removes through Pytheus's <c>RemoveLabelValues</c> and the
/// Redis backend deletes for every process.
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

        foreach (var name in FidelityScenarios.All.Keys)
        {
            Transcripts.ShouldMatch(patched[name], plain[name], name);
        }
    }

    public void Dispose() => _redis.Dispose();
}
