using Pytheus.Backends.InProcess;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Tests.Shared;
using PromMetrics = Prometheus.Metrics;
using PyRegistry = Pytheus.Registry.CollectorRegistry;

namespace Pytheus.Compat.PrometheusNet.Tests;

/// <summary>PatchOptions.NativeHistograms: an unchanged prometheus-net application gains native buckets.</summary>
[Collection(PatchedCollection.Name)]
public class NativeHistogramPatchTests(PatchedFixture fixture)
{
    [Fact]
    public async Task Redirected_histograms_gain_native_buckets_beside_their_own_with_per_metric_rules()
    {
        var registry = new PyRegistry();
        using var patch = fixture.Repatch(new PatchOptions
        {
            Registry = registry,
            Backend = new InProcessBackend(),
            NativeHistograms = new NativeHistogramOptions { Schema = 1 },
            NativeHistogramRules = { ["legacy_classic_seconds"] = null, ["legacy_fine_*"] = new NativeHistogramOptions { Schema = 4 } },
        });

        // The legacy application's code: plain prometheus-net.
        var coarse = PromMetrics.CreateHistogram("legacy_wait_seconds", "Wait.", new Prometheus.HistogramConfiguration { Buckets = [1, 10] });
        var fine = PromMetrics.CreateHistogram("legacy_fine_seconds", "Fine.", new Prometheus.HistogramConfiguration { LabelNames = ["op"] });
        var classic = PromMetrics.CreateHistogram("legacy_classic_seconds", "Classic.");
        foreach (var value in new[] { 0.3, 3, 3, 12 })
        {
            coarse.Observe(value);
            fine.WithLabels("read").Observe(value);
            classic.Observe(value);
        }

        // prometheus-net's own export (its endpoint) brings the registry up to date and still writes the classic text.
        var text = await CompatTests.Export(PromMetrics.DefaultRegistry);
        text.ShouldContain("legacy_wait_seconds_bucket{le=\"10\"} 3\n");
        using var body = new MemoryStream();
        await MetricsExposition.WriteMetricsAsync(body, registry, ExpositionFormat.Protobuf);
        var families = PrometheusProtobufReader.Read(body.ToArray()).ToDictionary(f => f.Name);
        var wait = families["legacy_wait_seconds"].Metrics.Single().Histogram!;
        var fineRead = families["legacy_fine_seconds"].Metrics.Single().Histogram!;
        var classicOnly = families["legacy_classic_seconds"].Metrics.Single().Histogram!;

        // Classic buckets are prometheus-net's own either way.
        wait.Buckets.ShouldBe([(1UL, 1.0), (3UL, 10.0)]);
        (wait.Count, wait.Sum).ShouldBe((4UL, 18.3));
        classicOnly.Schema.ShouldBeNull();
        if (ActiveStrategy.IsPortable)
        {
            // The portable strategy never sees the observed values: classic buckets only (and a warning).
            wait.Schema.ShouldBeNull();
            fineRead.Schema.ShouldBeNull();
            return;
        }
        // Schema 1 (base √2): 0.3 in (0.25, 0.354] = bucket -3; 3 in (2.83, 4] = 4; 12 in (11.3, 16] = 8.
        wait.Schema.ShouldBe(1);
        wait.Side(negative: false).ShouldBe([(-3, 1L), (4, 2L), (8, 1L)]);
        fineRead.Schema.ShouldBe(4);
        fineRead.Side(negative: false).Sum(b => b.Count).ShouldBe(4);
        fineRead.Side(negative: false).Select(b => b.Index).ShouldBe([-27, 26, 58]);
    }
}
