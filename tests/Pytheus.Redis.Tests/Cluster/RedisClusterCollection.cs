namespace Pytheus.Redis.Tests.Cluster;

/// <summary>One three-primary cluster shared by the cluster tests that leave its topology as they found it.</summary>
[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisCluster>
{
    public const string Name = "Redis Cluster";
}
