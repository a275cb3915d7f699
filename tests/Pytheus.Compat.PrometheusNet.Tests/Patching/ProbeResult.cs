namespace Pytheus.Compat.PrometheusNet.Tests.Patching;

/// <summary>Exit code and output of one DetourProbe run.</summary>
internal sealed record ProbeResult(int ExitCode, string Output)
{
    public IEnumerable<string> Failures => Lines.Where(l => l.StartsWith("FAIL", StringComparison.Ordinal));

    public int Passes => Lines.Count(l => l.StartsWith("PASS", StringComparison.Ordinal));

    /// <summary>The "substituted compilations" count the probe printed for a detoured method.</summary>
    public long SubstitutedCompilations(string method) => long.Parse(
        Lines.Single(l => l.StartsWith($"DIAG tier-up {method} substituted compilations ", StringComparison.Ordinal)).Split(' ')[^1]);

    private IEnumerable<string> Lines => Output.Split('\n').Select(l => l.TrimEnd());

    /// <summary>Every check passed, with the whole output in the message otherwise.</summary>
    public void ShouldAllPass(int minimumChecks)
    {
        Failures.ShouldBeEmpty(Output);
        ExitCode.ShouldBe(0, Output);
        Passes.ShouldBeGreaterThanOrEqualTo(minimumChecks, Output);
    }
}
