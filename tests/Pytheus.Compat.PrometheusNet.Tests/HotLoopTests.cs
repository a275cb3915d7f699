using LegacyLibrary;
using Prometheus;
using PromMetrics = Prometheus.Metrics;

namespace Pytheus.Compat.PrometheusNet.Tests;

/// <summary>
/// Code that the JIT optimizes after the patch (tier-up in hot loops, OSR, background tier-1 after an idle gap) must
/// keep reaching Pytheus: every call counted, none left in prometheus-net's storage.
/// </summary>
[Collection(PatchedCollection.Name)]
public class HotLoopTests
{
    private const int Round = 2_000_000;

    [Fact]
    public async Task Every_call_from_loops_that_tier_up_is_counted()
    {
        var registry = PromMetrics.NewCustomRegistry();
        var counter = PromMetrics.WithCustomRegistry(registry).CreateCounter("hot_calls_total", "Calls.", ["path"]);
        var unlabelled = PromMetrics.WithCustomRegistry(registry).CreateCounter("hot_unlabelled_total", "Calls.");
        var direct = counter.WithLabels("direct");
        var viaInterface = counter.WithLabels("interface");
        var viaDelegate = counter.WithLabels("delegate");
        Action increment = () => viaDelegate.Inc();

        for (var round = 0; round < 3; round++)
        {
            HotLoops.IncrementDirect(direct, Round);
            HotLoops.IncrementCollector(unlabelled, Round);
            HotLoops.IncrementInterface(viaInterface, Round);
            HotLoops.IncrementDelegate(increment, Round);
            // Idle: call counting and background tier-1 compilation happen now, then the loops run optimized code.
            await Task.Delay(250);
        }
        await Task.Run(() => Parallel.For(0, 2, _ => HotLoops.IncrementDirect(direct, Round)));

        direct.Value.ShouldBe(5 * Round);
        viaInterface.Value.ShouldBe(3 * Round);
        viaDelegate.Value.ShouldBe(3 * Round);
        unlabelled.Value.ShouldBe(3 * Round);
        PrometheusNetStorage.CounterValue(direct).ShouldBe(ActiveStrategy.Stored(5 * Round));
        (await CompatTests.Export(registry)).ShouldContain($"hot_calls_total{{path=\"direct\"}} {ActiveStrategy.Format(1e7)}\n");
    }

    [Fact]
    public async Task Every_observation_and_gauge_change_from_hot_loops_is_counted()
    {
        var registry = PromMetrics.NewCustomRegistry();
        var factory = PromMetrics.WithCustomRegistry(registry);
        var histogram = factory.CreateHistogram("hot_values", "Values.", new HistogramConfiguration { Buckets = [2.5, 5, 7.5] });
        var gauge = factory.CreateGauge("hot_level", "Level.");

        for (var round = 0; round < 3; round++)
        {
            HotLoops.Observe(histogram, Round);
            HotLoops.SetGauge(gauge, Round);
            await Task.Delay(250);
        }

        histogram.Count.ShouldBe(3 * Round);
        gauge.Value.ShouldBe(3 * Round);
        var text = await CompatTests.Export(registry);
        // i % 10 over 6,000,000 calls: 0..2 (3 of 10) fall in le=2.5, 0..5 (6 of 10) in le=5, 0..7 (8 of 10) in le=7.5.
        var (a, b, c, all) = (ActiveStrategy.Format(1.8e6), ActiveStrategy.Format(3.6e6), ActiveStrategy.Format(4.8e6), ActiveStrategy.Format(6e6));
        text.ShouldContain($"hot_values_bucket{{le=\"2.5\"}} {a}\nhot_values_bucket{{le=\"5\"}} {b}\nhot_values_bucket{{le=\"7.5\"}} {c}\nhot_values_bucket{{le=\"+Inf\"}} {all}\n");
    }
}
