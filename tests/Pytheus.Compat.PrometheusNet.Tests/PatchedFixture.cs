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

    /// <summary>
    /// Replaces the shared patch with one of <paramref name="options"/> (null: none at all) until the result is disposed,
    /// which puts the shared patch back, so that the next test finds it whatever this one did.
    /// </summary>
    public IDisposable Repatch(PatchOptions? options)
    {
        Compat.UnpatchClient();
        try
        {
            if (options is not null)
            {
                Compat.PatchClient(options);
            }
        }
        catch
        {
            PatchBack();
            throw;
        }
        return new Restore(this);
    }

    public void Dispose() => Compat.UnpatchClient();

    private void PatchBack()
    {
        Compat.UnpatchClient();
        Compat.PatchClient(new PatchOptions { Registry = Registry, Backend = Backend });
    }

    private sealed class Restore(PatchedFixture fixture) : IDisposable
    {
        public void Dispose() => fixture.PatchBack();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PatchedCollection : ICollectionFixture<PatchedFixture>
{
    public const string Name = "Patched prometheus-net";
}
