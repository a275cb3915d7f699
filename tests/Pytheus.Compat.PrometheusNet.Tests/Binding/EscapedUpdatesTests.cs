using Prometheus;
using PromMetrics = Prometheus.Metrics;

namespace Pytheus.Compat.PrometheusNet.Tests.Binding;

/// <summary>
/// An update that bypasses the redirection (a caller optimized with prometheus-net inlined before the patch) lands in
/// prometheus-net's own storage. Here such a caller is stood in for by writing that storage directly; the next export
/// must fold it into Pytheus exactly once and report it.
/// </summary>
[Collection(PatchedCollection.Name)]
public class EscapedUpdatesTests
{
    [Fact]
    public async Task Values_found_in_prometheus_net_storage_are_folded_once_and_reported()
    {
        var registry = PromMetrics.NewCustomRegistry();
        var counter = PromMetrics.WithCustomRegistry(registry).CreateCounter("escaped_total", "Escaped.", ["k"]);
        var child = counter.WithLabels("a");
        child.Inc(10);
        var before = Compat.Active!.Report.EscapedAmountFolded;
        var observationsBefore = Compat.Active.Report.EscapedObservationsFolded;

        PrometheusNetStorage.WriteCounterValue(child, 5);

        (await CompatTests.Export(registry)).ShouldContain("escaped_total{k=\"a\"} 15\n");
        (await CompatTests.Export(registry)).ShouldContain("escaped_total{k=\"a\"} 15\n");
        PrometheusNetStorage.CounterValue(child).ShouldBe(0);
        Compat.Active.Report.EscapedAmountFolded.ShouldBe(before + 5);
        Compat.Active.Report.EscapedObservationsFolded.ShouldBe(observationsBefore);
    }
}
