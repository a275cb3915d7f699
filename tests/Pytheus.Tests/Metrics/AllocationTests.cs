using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Metrics;

/// <summary>The hot path allocates nothing on a cached child (in-process backend).</summary>
public class AllocationTests
{
    private const int Calls = 10_000;
    private readonly CollectorRegistry _registry = new();

    [Fact]
    public void Counter_Inc_on_a_cached_child_allocates_nothing()
    {
        var child = new Counter("c", "C", ["k"], registry: _registry).Labels(("k", "v"));

        AllocatedBy(() =>
        {
            for (var i = 0; i < Calls; i++)
            {
                child.Inc();
                child.Inc(2.5);
            }
        }).ShouldBe(0);
    }

    [Fact]
    public void Counter_Inc_on_an_unlabelled_counter_allocates_nothing()
    {
        var counter = new Counter("c", "C", registry: _registry);

        AllocatedBy(() =>
        {
            for (var i = 0; i < Calls; i++)
            {
                counter.Inc();
            }
        }).ShouldBe(0);
    }

    [Fact]
    public void Gauge_Set_Inc_Dec_on_a_cached_child_allocate_nothing()
    {
        var child = new Gauge("g", "G", ["k"], registry: _registry).Labels(("k", "v"));

        AllocatedBy(() =>
        {
            for (var i = 0; i < Calls; i++)
            {
                child.Set(i);
                child.Inc();
                child.Dec(0.5);
            }
        }).ShouldBe(0);
    }

    [Fact]
    public void Histogram_and_Summary_Observe_on_a_cached_child_allocate_nothing()
    {
        var histogram = new Histogram("h", "H", ["k"], registry: _registry).Labels(("k", "v"));
        var summary = new Summary("s", "S", ["k"], registry: _registry).Labels(("k", "v"));

        AllocatedBy(() =>
        {
            for (var i = 0; i < Calls; i++)
            {
                histogram.Observe(i * 0.001);
                summary.Observe(i);
            }
        }).ShouldBe(0);
    }

    [Fact]
    public void Summary_Observe_with_objectives_allocates_nothing_once_its_buckets_exist()
    {
        var summary = new Summary("q", "Q", ["k"], registry: _registry, objectives: [0.5, 0.9, 0.99]);
        // A fixed time: a new window (every maxAge / ageBuckets) creates its buckets once, off the measured runs.
        summary.Family.Clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var child = summary.Labels(("k", "v"));

        AllocatedBy(() =>
        {
            for (var i = 0; i < Calls; i++)
            {
                child.Observe(i * 0.001);
                child.Observe(-i);
            }
        }).ShouldBe(0);
        child.GetCount().ShouldBe(4 * Calls);
    }

    [Fact]
    public void Native_histogram_Observe_allocates_nothing_once_its_buckets_exist()
    {
        var histogram = new Histogram("n", "N", ["k"], registry: _registry,
            nativeHistogram: new NativeHistogramOptions { Schema = 5, MaxBucketCount = 0 }).Labels(("k", "v"));

        // The first run creates the buckets (one store each); the measured second run only finds and adds to them.
        AllocatedBy(() =>
        {
            for (var i = 0; i < Calls; i++)
            {
                histogram.Observe(i * 0.001);
                histogram.Observe(-i * 0.5);
                histogram.Observe(0);
            }
        }).ShouldBe(0);
    }

    [Fact]
    public void Time_and_TrackInProgress_scopes_allocate_nothing()
    {
        var histogram = new Histogram("h", "H", ["k"], registry: _registry).Labels(("k", "v"));
        var summary = new Summary("s", "S", registry: _registry);
        var gauge = new Gauge("g", "G", registry: _registry);

        AllocatedBy(() =>
        {
            for (var i = 0; i < Calls; i++)
            {
                using (histogram.Time())
                using (summary.Time())
                using (gauge.Time())
                using (gauge.TrackInProgress())
                {
                }
            }
        }).ShouldBe(0);
        histogram.GetCount().ShouldBe(2 * Calls);
    }

    [Fact]
    public void WithLabelValues_finding_a_cached_child_allocates_nothing()
    {
        var counter = new Counter("c", "C", ["a", "b"], registry: _registry);
        string[] values = ["x", "y"];
        counter.WithLabelValues(values).Inc();

        AllocatedBy(() =>
        {
            for (var i = 0; i < Calls; i++)
            {
                counter.WithLabelValues(values).Inc();
            }
        }).ShouldBe(0);
    }

    /// <summary>Runs <paramref name="work"/> once to warm up, then measures a second run on this thread.</summary>
    private static long AllocatedBy(Action work)
    {
        work();
        var before = GC.GetAllocatedBytesForCurrentThread();
        work();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
