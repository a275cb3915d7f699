using Pytheus.Backends;
using Pytheus.Backends.InProcess;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Metrics;

public sealed class MetricFactoryTests
{
    private readonly CollectorRegistry _registry = new();
    private readonly InProcessBackend _backend = new();

    [Fact]
    public void Every_kind_lands_in_the_factorys_registry_and_backend()
    {
        var factory = new MetricFactory(_registry, _backend);

        Metric[] created =
        [
            factory.CreateCounter("f_requests_total", "Requests.", ["route"]),
            factory.CreateGauge("f_in_flight", "In flight.", mode: GaugeMode.Shared),
            factory.CreateHistogram("f_latency_seconds", "Latency.", buckets: [0.1, 1]),
            factory.CreateSummary("f_size_bytes", "Size."),
        ];

        created.ShouldAllBe(m => ReferenceEquals(m.Family.Backend, _backend));
        _registry.Collectors.ShouldBe(created.Select(m => (ICollector)m.Family));
        created[1].Family.GaugeMode.ShouldBe(GaugeMode.Shared);
        created[2].Family.UpperBounds.ShouldBe([0.1, 1, double.PositiveInfinity]);
    }

    [Fact]
    public void A_histogram_gets_native_buckets_as_the_constructor_gives_them()
    {
        var factory = new MetricFactory(_registry, _backend);

        var histogram = factory.CreateHistogram("f_native_seconds", "Native.", nativeHistogram: new NativeHistogramOptions { Schema = 2 });

        histogram.Family.Definition.NativeHistogram.ShouldNotBeNull().EffectiveSchema.ShouldBe(2);
    }

    [Fact]
    public void A_summary_gets_objectives_as_the_constructor_gives_them()
    {
        var factory = new MetricFactory(_registry, _backend);
        var summary = factory.CreateSummary("f_payload_bytes", "Payload.", objectives: [0.5, 0.99]);

        for (var i = 1; i <= 100; i++)
        {
            summary.Observe(i);
        }

        MetricsExposition.GenerateMetrics(_registry).ShouldContain("f_payload_bytes{quantile=\"0.99\"}");
    }

    [Fact]
    public void Asking_twice_for_a_metric_shares_its_series()
    {
        var factory = new MetricFactory(_registry, _backend);

        factory.CreateCounter("f_jobs_total", "Jobs.").Inc(2);
        factory.CreateCounter("f_jobs_total", "Jobs.").Inc(3);

        MetricsExposition.GenerateMetrics(_registry).ShouldContain("f_jobs_total 5\n");
    }

    [Fact]
    public void A_conflicting_definition_under_the_same_name_is_refused_naming_the_metric()
    {
        var factory = new MetricFactory(_registry, _backend);
        factory.CreateCounter("f_conflict_total", "Jobs.");

        Should.Throw<MetricConflictException>(() => factory.CreateGauge("f_conflict_total", "Jobs."))
            .Message.ShouldContain("f_conflict_total");
    }

    [Fact]
    public void Bad_input_is_refused_as_the_constructors_refuse_it()
    {
        var factory = new MetricFactory(_registry, _backend);

        Should.Throw<InvalidMetricNameException>(() => factory.CreateCounter("bad name", "x")).Message.ShouldContain("bad name");
        Should.Throw<ArgumentNullException>(() => new MetricFactory(null!, _backend));
        Should.Throw<ArgumentNullException>(() => new MetricFactory(_registry, null!));
    }

    [Fact]
    public void The_factory_ignores_the_process_wide_backend()
    {
        var factory = new MetricFactory(_registry, _backend);
        using (Backend.BeginScope(new InProcessBackend()))
        {
            factory.CreateCounter("f_scoped_total", "x").Family.Backend.ShouldBeSameAs(_backend);
        }
    }
}
