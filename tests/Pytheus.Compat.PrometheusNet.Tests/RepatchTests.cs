using Pytheus.Backends.InProcess;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Tests.Shared;
using PromMetrics = Prometheus.Metrics;
using PyRegistry = Pytheus.Registry.CollectorRegistry;

namespace Pytheus.Compat.PrometheusNet.Tests;

/// <summary>Patching again onto the same Pytheus registry with other options: what the new patch says is what is exposed.</summary>
[Collection(PatchedCollection.Name)]
public class RepatchTests(PatchedFixture fixture)
{
    [Fact]
    public async Task Patching_again_with_another_backend_exposes_the_new_backends_series()
    {
        var registry = new PyRegistry();
        using var patch = fixture.Repatch(new PatchOptions { Registry = registry, Backend = new InProcessBackend() });
        var counter = PromMetrics.CreateCounter("repatch_backend_total", "Orders.");
        counter.Inc(2);
        (await Text()).ShouldContain("repatch_backend_total 2\n");
        Compat.UnpatchClient();

        Compat.PatchClient(new PatchOptions { Registry = registry, Backend = new InProcessBackend() });
        counter.Inc(5);

        (await Text()).ShouldContain("repatch_backend_total 5\n");
    }

    [Fact]
    public async Task Patching_again_with_native_histograms_gives_them_native_buckets()
    {
        var registry = new PyRegistry();
        var backend = new InProcessBackend();
        using var patch = fixture.Repatch(new PatchOptions { Registry = registry, Backend = backend });
        var histogram = PromMetrics.CreateHistogram("repatch_wait_seconds", "Wait.", new Prometheus.HistogramConfiguration { Buckets = [1, 10] });
        histogram.Observe(3);
        await Text();
        Compat.UnpatchClient();

        Compat.PatchClient(new PatchOptions { Registry = registry, Backend = backend, NativeHistograms = new NativeHistogramOptions { Schema = 1 } });
        histogram.Observe(3);

        await Text();
        var wait = Protobuf(registry).Single(f => f.Name == "repatch_wait_seconds").Metrics.Single().Histogram!;
        if (ActiveStrategy.IsPortable)
        {
            wait.Schema.ShouldBeNull();
            return;
        }
        // Other options bind every metric anew: on the in-process backend its series starts from the new patch.
        (wait.Count, wait.Sum).ShouldBe((1UL, 3.0));
        wait.Schema.ShouldBe(1);
        wait.Side(negative: false).ShouldBe([(4, 1L)]);
    }

    /// <summary>prometheus-net's own export, which brings the Pytheus registry up to date.</summary>
    private static Task<string> Text() => CompatTests.Export(PromMetrics.DefaultRegistry);

    private static List<PrometheusProtobufReader.Family> Protobuf(PyRegistry registry)
    {
        using var body = new MemoryStream();
        MetricsExposition.WriteMetricsAsync(body, registry, ExpositionFormat.Protobuf).GetAwaiter().GetResult();
        return PrometheusProtobufReader.Read(body.ToArray());
    }
}
