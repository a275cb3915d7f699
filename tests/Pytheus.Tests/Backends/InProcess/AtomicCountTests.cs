using Pytheus.Backends;
using Pytheus.Backends.InProcess;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Backends.InProcess;

public class AtomicCountTests
{
    [Fact]
    public void Counts_whole_numbers_up_down_and_set()
    {
        var count = new AtomicCount();

        count.Inc(3);
        count.Dec(1);
        ((IValueStore)count).Inc(5);
        count.Get().ShouldBe(7);
        count.Set(2);
        count.Get().ShouldBe(2);
    }

    [Fact]
    public void Is_exact_under_contention()
    {
        var count = new AtomicCount();
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (var i = 0; i < 1_000_000; i++)
            {
                count.Inc(1);
            }
        });

        count.Get().ShouldBe(4_000_000);
    }

    [Fact]
    public void The_in_process_backend_keeps_histogram_buckets_and_summary_counts_as_whole_counts()
    {
        var backend = new InProcessBackend();
        var histogram = new Histogram("ac_seconds", "Seconds", buckets: [1], registry: CollectorRegistry.None, backend: backend);
        var summary = new Summary("ac_bytes", "Bytes", registry: CollectorRegistry.None, backend: backend);

        backend.CreateStore(new ValueDescriptor(histogram.Family.Definition, [], 0)).ShouldBeOfType<AtomicCount>();
        backend.CreateStore(new ValueDescriptor(histogram.Family.Definition, [], histogram.Family.ValueLayout.Count - 1)).ShouldBeOfType<AtomicDouble>();
        backend.CreateStore(new ValueDescriptor(summary.Family.Definition, [], 1)).ShouldBeOfType<AtomicCount>();
        histogram.Observe(0.5, 3);
        histogram.GetBucketCounts().ShouldBe([3.0, 0.0]);
        histogram.GetSum().ShouldBe(1.5);
    }
}
