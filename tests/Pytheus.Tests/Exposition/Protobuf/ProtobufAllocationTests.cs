using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Exposition.Protobuf;

/// <summary>
/// Writing the protobuf format allocates per scrape and per family, not per series: ten times the series (in ten times
/// the families of the same size) cost at most a few bytes more per series. Collection is done before measuring.
/// </summary>
public class ProtobufAllocationTests
{
    [Fact]
    public async Task Counters_cost_no_allocation_per_series()
    {
        var perSeries = await AllocatedPerExtraSeries(families: 2, (registry, f) =>
        {
            var counter = new Counter($"c{f}_total", "C.", ["path", "code"], registry: registry);
            for (var i = 0; i < 500; i++)
            {
                counter.Labels(("path", $"/items/{i}"), ("code", "200")).Inc(i, new Exemplar(("trace_id", $"t{i}")));
            }
        });

        perSeries.ShouldBeLessThan(4);
    }

    [Fact]
    public async Task Classic_and_native_histograms_cost_no_allocation_per_series()
    {
        var perSeries = await AllocatedPerExtraSeries(families: 2, (registry, f) =>
        {
            var histogram = new Histogram($"h{f}_seconds", "H.", ["path"], buckets: [0.01, 0.1, 1, 10], registry: registry,
                nativeHistogram: new NativeHistogramOptions());
            for (var i = 0; i < 500; i++)
            {
                var child = histogram.Labels(("path", $"/items/{i}"));
                for (var j = 0; j < 20; j++)
                {
                    child.Observe(0.005 * Math.Pow(1.3, j + (i % 5)), new Exemplar(("trace_id", $"t{j}")));
                }
            }
        });

        perSeries.ShouldBeLessThan(8);
    }

    /// <summary>
    /// Bytes allocated per series by writing a registry of 10 × <paramref name="families"/> families beyond writing one
    /// of <paramref name="families"/> (each made by <paramref name="fill"/>; both written once before, to fill the pools).
    /// </summary>
    private static async Task<double> AllocatedPerExtraSeries(int families, Action<CollectorRegistry, int> fill)
    {
        var small = new CollectorRegistry();
        var large = new CollectorRegistry();
        for (var f = 0; f < families * 10; f++)
        {
            if (f < families)
            {
                fill(small, f);
            }
            fill(large, f);
        }
        var smallMetrics = await RegistryCollector.CollectAsync(small, liveLocal: true, CancellationToken.None);
        var largeMetrics = await RegistryCollector.CollectAsync(large, liveLocal: true, CancellationToken.None);
        var extraSeries = largeMetrics.Sum(m => m.Series.Count) - smallMetrics.Sum(m => m.Series.Count);
        Write(smallMetrics);
        Write(largeMetrics);

        return (AllocatedBy(largeMetrics) - AllocatedBy(smallMetrics)) / (double)extraSeries;
    }

    /// <summary>
    /// The fewest bytes one of three writes allocates: a collection that trims the array pool between two writes makes
    /// one of them rent (allocate) its buffer again, which is not the writer's doing.
    /// </summary>
    private static long AllocatedBy(IReadOnlyList<MetricSnapshot> metrics)
    {
        var fewest = long.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            Write(metrics);
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewest;
    }

    // Stream.Null completes every write at once: the whole write runs on this thread.
    private static void Write(IReadOnlyList<MetricSnapshot> metrics) => ProtobufFormat.WriteAsync(Stream.Null, metrics).GetAwaiter().GetResult();
}
