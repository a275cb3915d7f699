using Pytheus.Compat.PrometheusNet.Tests.Patching;

namespace Pytheus.Compat.PrometheusNet.Tests.Harvest;

/// <summary>
/// The portable strategy on .NET 8, 9 and 10 (the probe's self-contained builds), with default tiering and with
/// <c>DOTNET_TieredCompilation=0</c>: hot callers optimized before the patch, threads, interface and collector calls,
/// timed harvests racing them; exact totals in prometheus-net's export and in the backend, storage at 0 after undo.
/// Run in the portable run of the project (the probe asks for the strategy in code, so once is enough).
/// </summary>
public sealed class PortableRuntimesTests
{
    [PortableTheory]
    [InlineData("net8.0", "1")]
    [InlineData("net8.0", "0")]
    [InlineData("net9.0", "1")]
    [InlineData("net9.0", "0")]
    [InlineData("net10.0", "1")]
    [InlineData("net10.0", "0")]
    public async Task Totals_are_exact_on_every_runtime_and_tiering(string runtime, string tieredCompilation)
    {
        var result = await DetourProbeBuild.RunAsync(runtime, "portable", ("DOTNET_TieredCompilation", tieredCompilation));

        result.ShouldAllPass(9);
    }
}
