namespace Pytheus.Compat.PrometheusNet.Tests;

/// <summary>
/// PatchClient() fails closed: after a refusal, or a failure half-way, prometheus-net behaves exactly as it did, and a
/// later PatchClient() completes the patch. A fresh child process each, since redirections are installed once per process.
/// </summary>
public class PatchFailureTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public async Task A_refusal_leaves_prometheus_net_as_it_was_and_a_later_patch_completes(int redirectsBeforeRefusal)
    {
        var output = await LegacyWorker.RunAsync(["refuse", redirectsBeforeRefusal.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        output.ShouldContain("threw=PlatformNotSupportedException\n");
        output.ShouldContain("active=False\n");
        output.ShouldContain("value=2\n");
        // prometheus-net's own exposition (its own number formatting, no Pytheus involved).
        output.ShouldContain("refused_total{k=\"a\"} 2\n");
        // The 2 recorded by prometheus-net are folded into the backend when the patch completes.
        output.ShouldContain("redirected=13 patched-value=3\n");
    }
}
