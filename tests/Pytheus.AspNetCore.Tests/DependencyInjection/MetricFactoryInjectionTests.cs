using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Pytheus.Backends;
using Pytheus.Backends.InProcess;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.AspNetCore.Tests.DependencyInjection;

/// <summary>An application that injects <see cref="IMetricFactory"/> never depends on the process-wide defaults.</summary>
[Collection("Globals")]
public sealed class MetricFactoryInjectionTests
{
    [Fact]
    public async Task Injected_factory_creates_metrics_on_the_registered_backend_and_registry_not_the_ambient_ones()
    {
        var ambientBackend = Backend.Current;
        var ambientRegistry = CollectorRegistry.Default;
        var backend = new InProcessBackend();
        var registry = new CollectorRegistry();
        await using var host = await TestHost.StartAsync(
            b => b.Services.AddPytheus(o =>
            {
                o.BackendInstance = backend;
                o.Registry = registry;
                o.SetAsCurrentBackend = false;
            }),
            app => app.MapPytheusMetrics());

        var factory = host.Services.GetRequiredService<IMetricFactory>();
        var orders = factory.CreateCounter("injected_orders_total", "Orders.", ["shop"]);
        orders.WithLabelValues("north").Inc(3);

        factory.Backend.ShouldBeSameAs(backend);
        factory.Registry.ShouldBeSameAs(registry);
        orders.Family.Backend.ShouldBeSameAs(backend);
        registry.Collectors.ShouldContain(orders.Family);
        ambientRegistry.Collectors.ShouldNotContain(orders.Family);
        Backend.Current.ShouldBeSameAs(ambientBackend);
        (await host.ScrapeAsync()).ShouldContain("injected_orders_total{shop=\"north\"} 3\n");
    }

    [Fact]
    public async Task The_factory_is_one_singleton_and_a_user_registered_factory_wins()
    {
        var mine = new MetricFactory(new CollectorRegistry(), new InProcessBackend());
        await using var host = await TestHost.StartAsync(
            b =>
            {
                b.Services.AddSingleton<IMetricFactory>(mine);
                b.Services.AddPytheus(o => o.SetAsCurrentBackend = false);
            },
            _ => { });

        host.Services.GetRequiredService<IMetricFactory>().ShouldBeSameAs(mine);
    }
}
