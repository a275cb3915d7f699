using Pytheus.Backends.InProcess;
using PyRegistry = Pytheus.Registry.CollectorRegistry;

namespace Pytheus.Compat.PrometheusNet.Tests;

/// <summary>
/// PatchClient() is process-wide, so every test that relies on it shares one patch (on an in-process backend and a
/// registry of its own) and runs in one non-parallel collection.
/// </summary>
public sealed class PatchedFixture : IDisposable
{
    public PatchedFixture()
    {
        Handle = Compat.PatchClient(new PatchOptions { Registry = Registry, Backend = Backend });
    }

    public PyRegistry Registry { get; } = new();

    public InProcessBackend Backend { get; } = new();

    public PatchHandle Handle { get; }

    public void Dispose() => Compat.UnpatchClient();
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PatchedCollection : ICollectionFixture<PatchedFixture>
{
    public const string Name = "Patched prometheus-net";
}
