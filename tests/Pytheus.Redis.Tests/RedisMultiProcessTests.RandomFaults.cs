using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Pytheus.Redis.Tests;

/// <summary>
/// A seeded, randomized fault run: four worker processes write and scrape while the test injects faults drawn from
/// Redis's failure vocabulary. Afterwards every total is exact (every process is alive, so even data Redis lost comes
/// back: each re-sends its own contribution, which can never double), no caller saw an exception, and the losses the
/// run caused are reported by the workers' status. Replay a run with <c>PYTHEUS_REDIS_FAULT_SEED=&lt;seed&gt;</c>.
/// </summary>
public partial class RedisMultiProcessTests
{
    private static readonly TimeSpan FaultPhase = TimeSpan.FromSeconds(4);

    private static readonly string[] FaultNames =
    [
        "client-kill", "client-pause", "oom", "busy", "flushall", "restart-without-persistence", "noreplicas", "misconf",
        "loading", "key-expiry", "restart-from-older-snapshot",
    ];

    [Fact]
    public async Task Random_faults_across_four_processes_end_with_exact_totals()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PYTHEUS_REDIS_FAULT_SEED"), CultureInfo.InvariantCulture, out var fixedSeed)
            ? fixedSeed
            : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay with PYTHEUS_REDIS_FAULT_SEED={seed})");
        var random = new Random(seed);
        var injected = new List<string>();
        var lossInjected = false;
        using var redis = RedisServer.Create(persistent: false);
        try
        {
            var results = await RunWorkers(redis, during: async workers =>
            {
                await Task.Delay(300);
                var phase = Stopwatch.StartNew();
                while (phase.Elapsed < FaultPhase)
                {
                    var fault = FaultNames[random.Next(FaultNames.Length)];
                    injected.Add(fault);
                    lossInjected |= await Task.Run(() => Inject(redis, fault, random));
                    await Task.Delay(random.Next(50, 250));
                }
                // Settle while every process lives (a process that exits before another one replaces a rolled-back hash
                // loses its contribution: docs/redis-backend.md). Each flushes until Redis confirms, finding any loss or
                // rollback the faults left; then once more, so that each also sees the hashes another one replaced.
                for (var round = 0; round < 2; round++)
                {
                    foreach (var worker in workers)
                    {
                        worker.Send("flush");
                        worker.ReadLine().ShouldBe("flushed", worker.Diagnostics);
                    }
                }
            });
            output.WriteLine("faults: " + string.Join(", ", injected));
            AssertTotals(redis, results);
            if (lossInjected)
            {
                results.Sum(r => r.Resends).ShouldBeGreaterThan(0, "data Redis lost must be reported");
            }
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException(
                $"Randomized fault run failed with seed {seed} (replay with PYTHEUS_REDIS_FAULT_SEED={seed}); faults: {string.Join(", ", injected)}\n{e}");
        }
    }

    /// <summary>Injects <paramref name="fault"/>; returns whether Redis lost data the workers had written.</summary>
    private bool Inject(RedisServer redis, string fault, Random random)
    {
        var hold = random.Next(100, 400);
        switch (fault)
        {
            case "client-kill":
                redis.Command("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
                break;
            case "client-pause":
                redis.Command("CLIENT", "PAUSE", Ms(hold), "WRITE").ShouldBe("+OK");
                Thread.Sleep(hold);
                break;
            case "oom":
                Holding(redis, hold, ["CONFIG", "SET", "maxmemory", "1"], ["CONFIG", "SET", "maxmemory", "0"]);
                break;
            case "noreplicas":
                Holding(redis, hold, ["CONFIG", "SET", "min-replicas-to-write", "1"], ["CONFIG", "SET", "min-replicas-to-write", "0"]);
                break;
            case "busy":
                redis.Command("CONFIG", "SET", "busy-reply-threshold", "20").ShouldBe("+OK");
                var script = Task.Run(() => redis.Command("EVAL", "while true do end", "0"));
                RedisServer.WaitFor(() => redis.Command("PING").StartsWith("-BUSY", StringComparison.Ordinal), "BUSY");
                Thread.Sleep(hold);
                redis.Command("SCRIPT", "KILL").ShouldBe("+OK");
                script.Wait(TimeSpan.FromSeconds(20)).ShouldBeTrue();
                break;
            case "flushall":
                redis.Command("FLUSHALL").ShouldBe("+OK");
                return true;
            case "restart-without-persistence":
                redis.Kill();
                // DEBUG RELOAD (loading) and BGSAVE (misconf) leave a snapshot on disk, which a restart would load (a
                // rollback: the fault below). Without it the restart is really without persistence.
                File.Delete(Path.Combine(redis.DataDirectory, "dump.rdb"));
                Thread.Sleep(hold);
                redis.Start();
                return true;
            case "restart-from-older-snapshot":
                // RDB persistence: what was confirmed after the snapshot is gone, the hashes keep their epochs.
                redis.Command("SAVE").ShouldBe("+OK");
                var saved = SharedCounterText(redis);
                RedisServer.WaitFor(() => SharedCounterText(redis) != saved, "a change after the snapshot");
                Thread.Sleep(hold);
                redis.Kill();
                redis.Start();
                return true;
            case "misconf":
                redis.Command("CONFIG", "SET", "save", "3600 1").ShouldBe("+OK");
                redis.Command("CONFIG", "SET", "dir", "/proc").ShouldBe("+OK");
                RedisServerFaultTests.BackgroundSave(redis, "err");
                Thread.Sleep(hold);
                redis.Command("CONFIG", "SET", "dir", redis.DataDirectory).ShouldBe("+OK");
                RedisServerFaultTests.BackgroundSave(redis, "ok");
                redis.Command("CONFIG", "SET", "save", "").ShouldBe("+OK");
                break;
            case "loading":
                redis.Command("DEBUG", "POPULATE", "500", "pad").ShouldBe("+OK");
                redis.Command("CONFIG", "SET", "key-load-delay", Ms(hold)).ShouldBe("+OK"); // µs per key: ~0.05-0.2 s
                redis.Command("CONFIG", "SET", "loading-process-events-interval-bytes", "1024").ShouldBe("+OK");
                redis.Command("DEBUG", "RELOAD").ShouldBe("+OK");
                redis.Command("CONFIG", "SET", "key-load-delay", "0").ShouldBe("+OK");
                break;
            case "key-expiry":
                // A family's hash (not its definitions or the writers' keys), so that a loss is always there to detect.
                var keys = redis.Command("KEYS", Prefix + ":*").Split("\r\n").Where(l => l.StartsWith(Prefix, StringComparison.Ordinal) && FamilyHash().IsMatch(l)).ToArray();
                return keys.Length > 0 && Expire(redis, keys[random.Next(keys.Length)]);
        }
        return false;
    }

    /// <summary>
    /// Makes <paramref name="key"/> expire (bounded tries): a batch landing within the millisecond before it expires
    /// refreshes its TTL, and then nothing was lost.
    /// </summary>
    private static bool Expire(RedisServer redis, string key)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            redis.Command("PEXPIRE", key, "1");
            Thread.Sleep(2);
            if (redis.Command("EXISTS", key) == ":0")
            {
                return true;
            }
        }
        return false;
    }

    private string SharedCounterText(RedisServer redis) =>
        redis.Command("KEYS", Prefix + ":{mp_requests_total}:counter-*") is var reply && reply.Split("\r\n").FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal)) is { } key
            ? redis.Command("HGET", key, "v|{\"route\":\"shared\"}")
            : string.Empty;

    [GeneratedRegex(@"\}:(counter|gauge|histogram|summary)-[0-9a-f]{8}$")]
    private static partial Regex FamilyHash();

    private static void Holding(RedisServer redis, int milliseconds, string[] inject, string[] lift)
    {
        redis.Command(inject).ShouldBe("+OK");
        Thread.Sleep(milliseconds);
        redis.Command(lift).ShouldBe("+OK");
    }

    private static string Ms(int milliseconds) => milliseconds.ToString(CultureInfo.InvariantCulture);
}
