using System.Diagnostics;
using System.Globalization;

namespace Pytheus.Tests.Shared;

/// <summary>
/// A real Redis Cluster on loopback: three primaries and three replicas (redis-server with <c>cluster-enabled yes</c>,
/// each in its own temporary directory, on free ports for clients and the cluster bus), joined by
/// <c>redis-cli --cluster create … --cluster-replicas 1</c>. Every process is killed and every directory deleted on
/// dispose — also when starting the cluster failed half-way.
/// </summary>
public sealed class RedisCluster : IDisposable
{
    private const string CliPath = "/usr/bin/redis-cli";
    private readonly List<RedisServer> _nodes = [];

    public RedisCluster()
    {
        try
        {
            for (var i = 0; i < 6; i++)
            {
                // The bus port defaults to port + 10000, which may be taken or out of range: give it a free one.
                _nodes.Add(RedisServer.Create(
                    persistent: false,
                    "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000",
                    "--cluster-port", RedisServer.FreePort().ToString(CultureInfo.InvariantCulture)));
            }
            Cli(["--cluster", "create", .. _nodes.Select(n => Endpoint(n)), "--cluster-replicas", "1", "--cluster-yes"]);
            WaitUntilSettled();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Every node, primaries and replicas, including killed ones.</summary>
    public IReadOnlyList<RedisServer> Nodes => _nodes;

    /// <summary>A StackExchange.Redis configuration naming every node (the client discovers the topology from any).</summary>
    public string ConnectionString =>
        string.Join(',', _nodes.Select(n => Endpoint(n))) + ",connectTimeout=5000,syncTimeout=10000,asyncTimeout=10000";

    /// <summary>The live primaries, as the cluster sees them now.</summary>
    public IReadOnlyList<RedisServer> Primaries => Topology().Where(n => n.IsPrimary).Select(n => n.Server).ToList();

    /// <summary>The hash slot of <paramref name="key"/> (<c>CLUSTER KEYSLOT</c>).</summary>
    public int SlotOf(string key) => int.Parse(AnyLive().Command("CLUSTER", "KEYSLOT", key).TrimStart(':'), CultureInfo.InvariantCulture);

    /// <summary>The primary serving <paramref name="slot"/> now.</summary>
    public RedisServer PrimaryOf(int slot) => Topology().Single(n => n.IsPrimary && n.Slots.Any(r => r.First <= slot && slot <= r.Last)).Server;

    /// <summary>A live replica of <paramref name="primary"/>.</summary>
    public RedisServer ReplicaOf(RedisServer primary)
    {
        var nodes = Topology();
        var id = nodes.Single(n => n.Server == primary).Id;
        return nodes.First(n => n.PrimaryId == id).Server;
    }

    /// <summary>
    /// Moves <paramref name="slot"/> to <paramref name="target"/> the way <c>redis-cli --cluster reshard</c> does —
    /// <c>SETSLOT IMPORTING/MIGRATING</c>, <c>MIGRATE</c> key by key, <c>SETSLOT NODE</c> — pausing
    /// <paramref name="pause"/> between steps, so that clients meanwhile get <c>ASK</c> (a key already moved),
    /// <c>TRYAGAIN</c> (a multi-key command whose keys are split between the nodes) and then <c>MOVED</c>.
    /// </summary>
    public void MoveSlot(int slot, RedisServer target, TimeSpan pause)
    {
        var source = PrimaryOf(slot);
        if (source == target)
        {
            return;
        }
        var slotText = slot.ToString(CultureInfo.InvariantCulture);
        var (sourceId, targetId) = (IdOf(source), IdOf(target));
        target.Command("CLUSTER", "SETSLOT", slotText, "IMPORTING", sourceId).ShouldBe("+OK");
        source.Command("CLUSTER", "SETSLOT", slotText, "MIGRATING", targetId).ShouldBe("+OK");
        Thread.Sleep(pause);
        foreach (var key in Strings(source.Command("CLUSTER", "GETKEYSINSLOT", slotText, "100000")))
        {
            var reply = source.Command("MIGRATE", "127.0.0.1", target.Port.ToString(CultureInfo.InvariantCulture), key, "0", "10000");
            reply.ShouldBeOneOf(["+OK", "+NOKEY"], $"MIGRATE {key}");
            Thread.Sleep(pause);
        }
        foreach (var primary in new[] { target, source }.Concat(Primaries.Where(p => p != source && p != target)))
        {
            primary.Command("CLUSTER", "SETSLOT", slotText, "NODE", targetId).ShouldBe("+OK");
        }
    }

    /// <summary>
    /// <c>CLUSTER FAILOVER</c> on <paramref name="replica"/> (coordinated: the primary stops writes until the replica has
    /// caught up, then they swap roles), waiting until the replica serves as primary and the cluster is ok again.
    /// </summary>
    public void FailOver(RedisServer replica)
    {
        replica.Command("CLUSTER", "FAILOVER").ShouldBe("+OK");
        RedisServer.WaitFor(() => replica.Command("ROLE").Contains("master", StringComparison.Ordinal), "the replica to become primary");
        WaitUntilSettled();
    }

    /// <summary>Waits until every live node says <c>cluster_state:ok</c> and agrees on who serves every slot.</summary>
    public void WaitUntilSettled()
    {
        RedisServer.WaitFor(
            () =>
            {
                var live = Live().ToList();
                if (!live.All(n => n.Command("CLUSTER", "INFO").Contains("cluster_state:ok", StringComparison.Ordinal)))
                {
                    return false;
                }
                var views = live.Select(n => string.Join(';', Parse(n.Command("CLUSTER", "NODES"))
                    .Where(x => x.IsPrimary).OrderBy(x => x.Id, StringComparer.Ordinal)
                    .Select(x => x.Id + "=" + string.Join(',', x.Slots)))).Distinct().Count();
                return views == 1 && live.Where(n => n.Command("ROLE").Contains("slave", StringComparison.Ordinal))
                    .All(n => n.Command("INFO", "replication").Contains("master_link_status:up", StringComparison.Ordinal));
            },
            "the cluster to settle");
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }
    }

    private static string Endpoint(RedisServer node) => "127.0.0.1:" + node.Port.ToString(CultureInfo.InvariantCulture);

    private string IdOf(RedisServer node) => node.Command("CLUSTER", "MYID").TrimStart('+', '$').Split("\r\n")[^1];

    private IEnumerable<RedisServer> Live() => _nodes.Where(n => n.IsRunning);

    private RedisServer AnyLive() => Live().First();

    private List<ClusterNode> Topology() => Parse(AnyLive().Command("CLUSTER", "NODES"));

    private List<ClusterNode> Parse(string reply)
    {
        var nodes = new List<ClusterNode>();
        foreach (var line in reply.Split('\n').Skip(1))
        {
            var parts = line.Trim().Split(' ');
            if (parts.Length < 8)
            {
                continue;
            }
            var port = int.Parse(parts[1][(parts[1].IndexOf(':', StringComparison.Ordinal) + 1)..parts[1].IndexOf('@', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            var server = _nodes.SingleOrDefault(n => n.Port == port);
            var flags = parts[2].Split(',');
            if (server is null || flags.Contains("fail") || flags.Contains("fail?") || !server.IsRunning)
            {
                continue;
            }
            var slots = parts.Skip(8).Where(s => !s.StartsWith('[')).Select(s =>
            {
                var range = s.Split('-');
                var first = int.Parse(range[0], CultureInfo.InvariantCulture);
                return new SlotRange(first, range.Length > 1 ? int.Parse(range[1], CultureInfo.InvariantCulture) : first);
            }).ToList();
            nodes.Add(new ClusterNode(parts[0], server, flags.Contains("master"), parts[3], slots));
        }
        return nodes;
    }

    /// <summary>The bulk strings of a RESP array reply as returned by <see cref="RedisServer.Command"/>.</summary>
    private static IEnumerable<string> Strings(string reply) =>
        reply.Split("\r\n").Where(l => l.Length > 0 && l[0] != '*' && l[0] != '$');

    private static void Cli(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(CliPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new InvalidOperationException("redis-cli " + string.Join(' ', info.ArgumentList) + " did not finish");
        }
        process.ExitCode.ShouldBe(0, $"redis-cli {string.Join(' ', info.ArgumentList)}: {output.Result} {errors.Result}");
    }

    private readonly record struct SlotRange(int First, int Last)
    {
        public override string ToString() => First + "-" + Last;
    }

    private sealed record ClusterNode(string Id, RedisServer Server, bool IsPrimary, string PrimaryId, List<SlotRange> Slots);
}
