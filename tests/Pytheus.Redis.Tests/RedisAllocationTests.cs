using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Redis.Tests;

[Collection(RedisCollection.Name)]
public class RedisAllocationTests(RedisServer server) : RedisTestBase(server)
{
    [Fact]
    public void Inc_Set_and_Observe_on_the_redis_backend_allocate_nothing()
    {
        var backend = NewBackend();
        var counter = On(backend, () => new Counter("alloc_total", "a", ["k"], registry: new CollectorRegistry())).Labels(("k", "a"));
        var gauge = On(backend, () => new Gauge("alloc_gauge", "a", registry: new CollectorRegistry()));
        var histogram = On(backend, () => new Histogram("alloc_seconds", "a", registry: new CollectorRegistry()));
        void Calls()
        {
            for (var i = 0; i < 1000; i++)
            {
                counter.Inc();
                gauge.Set(i);
                gauge.Inc(2);
                histogram.Observe(i * 0.001);
            }
        }
        Calls();

        var before = GC.GetAllocatedBytesForCurrentThread();
        Calls();
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }

    [Fact]
    public void Native_histogram_Observe_on_the_redis_backend_allocates_nothing_once_its_buckets_exist()
    {
        var backend = NewBackend();
        var histogram = On(backend, () => new Histogram("alloc_native_seconds", "a", registry: new CollectorRegistry(),
            nativeHistogram: new NativeHistogramOptions { MaxBucketCount = 0 }));
        void Calls()
        {
            for (var i = 0; i < 1000; i++)
            {
                histogram.Observe(i * 0.001);
                histogram.Observe(-i);
            }
        }
        Calls();

        var before = GC.GetAllocatedBytesForCurrentThread();
        Calls();
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }
}
