using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pytheus.Backends;
using Pytheus.Backends.Redis;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;
using StackExchange.Redis;

using Pytheus.Tests.Shared;

namespace Pytheus.AspNetCore.Tests.Redis;

/// <summary>
/// The Redis backend chosen by configuration, through a real Kestrel host and a real redis-server. These tests load the
/// backend as current (the point of AddPytheus), so they run with the other global-state tests, alone.
/// </summary>
[Collection("Globals")]
public sealed class RedisIntegrationTests : IClassFixture<RedisServer>, IDisposable
{
    private readonly RedisServer _redis;
    private readonly string _prefix = "aspnet-" + Guid.NewGuid().ToString("N")[..12];
    private readonly IBackend _previousBackend = Backend.Current;
    private readonly CollectorRegistry _previousRegistry = CollectorRegistry.Default;

    public RedisIntegrationTests(RedisServer redis)
    {
        _redis = redis;
        CollectorRegistry.Default = new CollectorRegistry();
    }

    public void Dispose()
    {
        Backend.LoadBackend(_previousBackend);
        CollectorRegistry.Default = _previousRegistry;
    }

    private Dictionary<string, string?> RedisSettings(int? port = null) => new()
    {
        ["Pytheus:Backend"] = "Redis",
        ["Pytheus:BackendConfig:host"] = "127.0.0.1",
        ["Pytheus:BackendConfig:port"] = (port ?? _redis.Port).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Pytheus:BackendConfig:key_prefix"] = _prefix,
        // Only the scrape and the shutdown flush send anything: what another process sees after stop came from the hosted flush.
        ["Pytheus:BackendConfig:flush_interval_ms"] = "600000",
        ["Pytheus:BackendConfig:scrape_timeout_ms"] = "1000",
    };

    private static void Orders(WebApplication app)
    {
        // As in an application: Map/UsePytheus* load the configured backend, so metrics created after them use it.
        app.MapPytheusMetrics();
        var orders = new Counter("orders_total", "Orders placed.");
        app.MapPost("/orders", () =>
        {
            orders.Inc();
            return Results.Accepted();
        });
    }

    /// <summary>What another process sharing the Redis key prefix reads.</summary>
    private async Task<string> ReadAsAnotherProcessAsync()
    {
        await using var other = new RedisBackend(new RedisBackendOptions { Host = "127.0.0.1", Port = _redis.Port, KeyPrefix = _prefix });
        var registry = new CollectorRegistry();
        _ = new Counter("orders_total", "Orders placed.", registry: registry, backend: other);
        return await MetricsExposition.GenerateMetricsAsync(registry);
    }

    private Task<TestHost> StartRedisHostAsync() => TestHost.StartAsync(
        b =>
        {
            b.Configuration.AddInMemoryCollection(RedisSettings());
            b.Services.AddPytheus();
            b.Services.AddHealthChecks().AddPytheus();
        },
        Orders);

    [Fact]
    public async Task Redis_from_configuration_is_current_served_and_flushed_on_graceful_shutdown()
    {
        await using var host = await StartRedisHostAsync();
        Backend.Current.ShouldBeOfType<RedisBackend>().KeyPrefix.ShouldBe(_prefix);

        for (var i = 0; i < 3; i++)
        {
            (await host.Client.PostAsync("/orders", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }
        var scrape = await host.ScrapeAsync();
        scrape.ShouldContain("orders_total 3\n");
        scrape.ShouldContain("# TYPE pytheus_redis_pending_series gauge\n");
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        health.Status.ShouldBe(HealthStatus.Healthy);

        (await host.Client.PostAsync("/orders", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await ReadAsAnotherProcessAsync()).ShouldContain("orders_total 3\n");
        await host.StopAsync();

        (await ReadAsAnotherProcessAsync()).ShouldContain("orders_total 4\n");
    }

    [Fact]
    public async Task A_registered_connection_multiplexer_is_reused_and_left_open()
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{_redis.Port}");
        var settings = RedisSettings();
        settings.Remove("Pytheus:BackendConfig:host");
        settings.Remove("Pytheus:BackendConfig:port");
        await using (var host = await TestHost.StartAsync(
            b =>
            {
                b.Configuration.AddInMemoryCollection(settings);
                b.Services.AddSingleton<IConnectionMultiplexer>(connection);
                b.Services.AddPytheus();
                b.Services.AddHealthChecks().AddPytheus();
            },
            Orders))
        {
            await host.Client.PostAsync("/orders", null);
            await host.StopAsync();
        }

        connection.IsConnected.ShouldBeTrue();
        (await connection.GetDatabase().PingAsync()).ShouldBeLessThan(TimeSpan.FromSeconds(5));
        (await ReadAsAnotherProcessAsync()).ShouldContain("orders_total 1\n");
    }

    [Fact]
    public async Task The_health_check_reports_an_unreachable_redis_as_unhealthy()
    {
        await using var host = await TestHost.StartAsync(
            b =>
            {
                b.Configuration.AddInMemoryCollection(RedisSettings(port: RedisServer.FreePort()));
                b.Services.AddPytheus(o => o.FlushOnShutdown = false);
                b.Services.AddHealthChecks().AddPytheus();
            },
            Orders);

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = report.Entries["pytheus"];
        entry.Status.ShouldBe(HealthStatus.Unhealthy);
        entry.Description!.ShouldStartWith("RedisBackend cannot be read:");
        entry.Data["reachable"].ShouldBe(false);
        (await host.Client.GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task The_health_check_reports_reachability_and_flush_state()
    {
        await using var host = await StartRedisHostAsync();
        await host.Client.PostAsync("/orders", null);

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = report.Entries["pytheus"];
        entry.Status.ShouldBe(HealthStatus.Healthy);
        entry.Data["reachable"].ShouldBe(true);
        // The check's read round trip carries the pending change with it (as a scrape does).
        entry.Data["pending_series"].ShouldBe(0d);
        ((double)entry.Data["seconds_since_last_flush"]).ShouldBeLessThan(5);
        entry.Data["key_prefix"].ShouldBe(_prefix);
        entry.Data.ShouldContainKey("round_trip_ms");
    }
}
