using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Metrics;

/// <summary>Exact totals under contention: no increment is lost, and racing threads get one child per label set.</summary>
public class ConcurrencyTests
{
    private const int Threads = 4;
    private const int IncrementsPerThread = 1_000_000;

    private readonly CollectorRegistry _registry = new();

    [Fact]
    public void Threads_incrementing_one_cached_child_lose_nothing()
    {
        var counter = new Counter("hits_total", "Hits", ["route"], registry: _registry);
        var child = counter.Labels(("route", "/"));

        RunOnThreads(_ =>
        {
            for (var i = 0; i < IncrementsPerThread; i++)
            {
                child.Inc();
            }
        });

        child.Get().ShouldBe(Threads * IncrementsPerThread);
        MetricsExposition.GenerateMetrics(_registry).ShouldContain($"hits_total{{route=\"/\"}} {PrometheusFloat.Format(Threads * IncrementsPerThread)}\n");
    }

    [Fact]
    public void Threads_incrementing_an_unlabelled_counter_lose_nothing()
    {
        var counter = new Counter("hits_total", "Hits", registry: _registry);

        RunOnThreads(_ =>
        {
            for (var i = 0; i < IncrementsPerThread; i++)
            {
                counter.Inc();
            }
        });

        counter.Get().ShouldBe(Threads * IncrementsPerThread);
    }

    [Fact]
    public void Threads_incrementing_different_children_lose_nothing()
    {
        var counter = new Counter("hits_total", "Hits", ["worker"], registry: _registry);

        RunOnThreads(t =>
        {
            var child = counter.Labels(("worker", t.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            for (var i = 0; i < IncrementsPerThread; i++)
            {
                child.Inc();
            }
        });

        for (var t = 0; t < Threads; t++)
        {
            counter.WithLabelValues(t.ToString(System.Globalization.CultureInfo.InvariantCulture)).Get().ShouldBe(IncrementsPerThread);
        }
        counter.Family.SeriesCount.ShouldBe(Threads);
    }

    [Fact]
    public void Threads_mixing_gauge_inc_and_dec_end_exactly_where_they_started()
    {
        var gauge = new Gauge("balance", "Balance", registry: _registry);

        RunOnThreads(t =>
        {
            for (var i = 0; i < IncrementsPerThread / 4; i++)
            {
                gauge.Inc(2);
                gauge.Dec(2);
            }
        });

        gauge.Get().ShouldBe(0);
    }

    [Fact]
    public void Threads_observing_a_histogram_lose_no_observation()
    {
        var histogram = new Histogram("sizes", "Sizes", buckets: [1, 2], registry: _registry);
        const int perThread = 250_000;

        RunOnThreads(t =>
        {
            for (var i = 0; i < perThread; i++)
            {
                histogram.Observe(i % 3 + 0.5);
            }
        });

        histogram.GetCount().ShouldBe(Threads * perThread);
        // Per thread: 83,334 × 0.5, 83,333 × 1.5 and 83,333 × 2.5 — one per bucket; sums of halves are exact.
        histogram.GetBucketCounts().ShouldBe([Threads * 83_334.0, Threads * 83_333.0, Threads * 83_333.0]);
        histogram.GetSum().ShouldBe(Threads * 374_999.0);
    }

    [Fact]
    public void Threads_racing_to_create_the_same_children_get_one_object_each_and_lose_no_increment()
    {
        var counter = new Counter("hits_total", "Hits", ["key", "kind"], registry: _registry);
        const int keys = 2_000;
        const int racers = 8;
        var seen = new Counter[racers][];

        RunOnThreads(t =>
        {
            var mine = seen[t] = new Counter[keys];
            for (var k = 0; k < keys; k++)
            {
                var key = k.ToString(System.Globalization.CultureInfo.InvariantCulture);
                // Half the threads give the labels in the other order: the effective set is what counts.
                mine[k] = t % 2 == 0 ? counter.Labels(("key", key), ("kind", "x")) : counter.Labels(("kind", "x"), ("key", key));
                mine[k].Inc();
            }
        }, racers);

        counter.Family.SeriesCount.ShouldBe(keys);
        for (var k = 0; k < keys; k++)
        {
            var child = seen[0][k];
            child.Get().ShouldBe(racers);
            for (var t = 1; t < racers; t++)
            {
                seen[t][k].ShouldBeSameAs(child);
            }
        }
    }

    [Fact]
    public void Threads_racing_to_recreate_the_same_metric_share_one_series()
    {
        const int perThread = 100_000;

        RunOnThreads(_ =>
        {
            var counter = new Counter("shared_total", "Shared", registry: _registry);
            for (var i = 0; i < perThread; i++)
            {
                counter.Inc();
            }
        });

        _registry.Collectors.Count.ShouldBe(1);
        new Counter("shared_total", "Shared", registry: _registry).Get().ShouldBe(Threads * perThread);
    }

    private static void RunOnThreads(Action<int> body, int threads = Threads)
    {
        using var start = new Barrier(threads);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                body(t);
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        errors.ShouldBeEmpty();
    }
}
