using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pytheus.Backends;
using Pytheus.Backends.InProcess;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.AspNetCore.Tests.DependencyInjection;

[Collection("Globals")]
public sealed class PytheusServiceCollectionExtensionsTests : IDisposable
{
    private static readonly string FlushingBackendName = typeof(FlushingBackend).AssemblyQualifiedName!;
    private readonly IBackend _previousBackend = Backend.Current;
    private readonly CollectorRegistry _previousRegistry = CollectorRegistry.Default;

    public void Dispose()
    {
        Backend.LoadBackend(_previousBackend);
        CollectorRegistry.Default = _previousRegistry;
        Environment.SetEnvironmentVariable("Pytheus__Backend", null);
        Environment.SetEnvironmentVariable("Pytheus__BackendConfig__host", null);
    }

    [Fact]
    public async Task Options_bind_from_configuration_and_the_backend_becomes_current()
    {
        CollectorRegistry.Default = new CollectorRegistry();
        await using var host = await TestHost.StartAsync(
            b =>
            {
                b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Pytheus:Backend"] = FlushingBackendName,
                    ["Pytheus:BackendConfig:host"] = "redis.internal",
                    ["Pytheus:BackendConfig:port"] = "6380",
                });
                b.Services.AddPytheus(b.Configuration.GetSection("Pytheus"));
            },
            app => app.MapPytheusMetrics());

        var backend = host.Services.GetRequiredService<IBackend>().ShouldBeOfType<FlushingBackend>();
        backend.Config!.GetString("host").ShouldBe("redis.internal");
        backend.Config.GetInt64("port", 0).ShouldBe(6380);
        Backend.Current.ShouldBeSameAs(backend);
        host.Services.GetRequiredService<CollectorRegistry>().ShouldBeSameAs(CollectorRegistry.Default);

        // A plain metric created by the application now lives in that backend and is served.
        var counter = new Counter("orders_total", "Orders.");
        counter.Family.Backend.ShouldBeSameAs(backend);
        counter.Inc(2);
        (await host.ScrapeAsync()).ShouldContain("orders_total 2\n");
        host.Logs.Entries.ShouldContain(e => e.Id.Id == 2 && e.Message.Contains(nameof(FlushingBackend)));
    }

    [Fact]
    public async Task Environment_variables_override_appsettings()
    {
        var root = Directory.CreateTempSubdirectory("pytheus-config-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "appsettings.json"),
                """{ "Pytheus": { "Backend": "InProcess", "BackendConfig": { "host": "from-json", "port": "7000" } } }""");
            Environment.SetEnvironmentVariable("Pytheus__Backend", FlushingBackendName);
            Environment.SetEnvironmentVariable("Pytheus__BackendConfig__host", "from-env");

            await using var host = await TestHost.StartAsync(b => b.Services.AddPytheus(), _ => { }, contentRoot: root);

            var backend = host.Services.GetRequiredService<IBackend>().ShouldBeOfType<FlushingBackend>();
            backend.Config!.GetString("host").ShouldBe("from-env");
            backend.Config.GetInt64("port", 0).ShouldBe(7000);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Code_configuration_runs_after_the_configuration_section()
    {
        var registry = new CollectorRegistry("app");
        var instance = new InProcessBackend();
        await using var host = await TestHost.StartAsync(
            b =>
            {
                b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Pytheus:Backend"] = "Redis" });
                b.Services.AddPytheus(o =>
                {
                    o.BackendInstance = instance;
                    o.Registry = registry;
                    o.SetAsCurrentBackend = false;
                });
            },
            _ => { });

        host.Services.GetRequiredService<IBackend>().ShouldBeSameAs(instance);
        host.Services.GetRequiredService<CollectorRegistry>().ShouldBeSameAs(registry);
        Backend.Current.ShouldBeSameAs(_previousBackend);
    }

    [Fact]
    public async Task A_bad_backend_name_fails_at_startup_naming_it()
    {
        var error = await Should.ThrowAsync<InvalidBackendClassException>(() => TestHost.StartAsync(
            b =>
            {
                b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Pytheus:Backend"] = "No.Such.Backend" });
                b.Services.AddPytheus();
            },
            _ => { }));

        error.Message.ShouldContain("No.Such.Backend");
    }

    [Fact]
    public async Task A_configured_backend_that_fails_to_construct_fails_as_LoadBackend_does()
    {
        var name = typeof(ExplodingBackend).AssemblyQualifiedName!;
        var fromCode = Should.Throw<InvalidBackendConfigException>(() => Backend.Create(typeof(ExplodingBackend)));

        var fromConfiguration = await Should.ThrowAsync<InvalidBackendConfigException>(() => TestHost.StartAsync(
            b =>
            {
                b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Pytheus:Backend"] = name });
                b.Services.AddPytheus(o => o.SetAsCurrentBackend = false);
            },
            _ => { }));

        fromConfiguration.Message.ShouldBe(fromCode.Message);
        fromConfiguration.InnerException.ShouldBeOfType<InvalidOperationException>();
    }

    [Fact]
    public async Task The_hosted_service_flushes_and_disposes_the_backend_on_stop()
    {
        var backend = new FlushingBackend();
        await using var host = await TestHost.StartAsync(
            b => b.Services.AddPytheus(o => o.BackendInstance = backend),
            _ => { });
        Backend.Current.ShouldBeSameAs(backend);
        backend.Flushes.ShouldBe(0);

        await host.StopAsync();

        backend.Flushes.ShouldBe(1);
        backend.Disposed.ShouldBeTrue();
    }

    [Fact]
    public async Task A_flush_that_outlasts_the_shutdown_timeout_is_abandoned_and_logged()
    {
        var backend = new FlushingBackend { FlushDelay = TimeSpan.FromSeconds(30) };
        await using var host = await TestHost.StartAsync(
            b => b.Services.AddPytheus(o => o.BackendInstance = backend),
            _ => { },
            shutdownTimeoutSeconds: 1);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await host.StopAsync();

        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        // The flush sees the same token; its own cancellation may complete just after StopAsync returns.
        (await Eventually.TrueAsync(() => backend.FlushCancelled)).ShouldBeTrue();
        backend.Flushes.ShouldBe(0);
        host.Logs.Entries.ShouldContain(e => e.Level == LogLevel.Warning && e.Id.Id == 4);
    }

    [Fact]
    public async Task FlushOnShutdown_false_leaves_the_backend_alone()
    {
        var backend = new FlushingBackend();
        await using var host = await TestHost.StartAsync(
            b => b.Services.AddPytheus(o =>
            {
                o.BackendInstance = backend;
                o.FlushOnShutdown = false;
            }),
            _ => { });

        await host.StopAsync();

        backend.Flushes.ShouldBe(0);
        backend.Disposed.ShouldBeFalse();
    }

    [Fact]
    public async Task The_metric_server_serves_a_worker_without_http_on_its_own_port()
    {
        var registry = new CollectorRegistry();
        new Gauge("queue_length", "Items waiting.", registry: registry, backend: new InProcessBackend()).Set(5);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddPytheus(o =>
        {
            o.BackendInstance = new InProcessBackend();
            o.SetAsCurrentBackend = false;
            o.Registry = registry;
        });
        builder.Services.AddPytheusMetricServer(0, o => o.Host = "127.0.0.1");
        using var app = builder.Build();
        await app.StartAsync();
        try
        {
            var url = app.Services.GetRequiredService<PytheusMetricServer>().Urls.ShouldHaveSingleItem();
            url.AbsolutePath.ShouldBe("/metrics");
            url.Port.ShouldBeGreaterThan(0);
            using var client = new HttpClient();

            (await client.GetStringAsync(url)).ShouldBe("# HELP queue_length Items waiting.\n# TYPE queue_length gauge\nqueue_length 5\n");
            (await client.GetAsync(new Uri(url, "/other"))).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
            (await client.PostAsync(url, new StringContent(""))).StatusCode.ShouldBe(System.Net.HttpStatusCode.MethodNotAllowed);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Theory]
    [InlineData(null, null, "127.0.0.1", false)]
    [InlineData("0.0.0.0", null, "localhost", true)]
    [InlineData("0.0.0.0", "prometheus", "localhost", false)]
    public async Task The_metric_server_binds_loopback_by_default_and_warns_when_open_beyond_it_without_authentication(
        string? host, string? userName, string expectedUrlHost, bool warns)
    {
        var logs = new LogSink();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddPytheus(o =>
        {
            o.BackendInstance = new InProcessBackend();
            o.SetAsCurrentBackend = false;
            o.Registry = new CollectorRegistry();
        });
        builder.Services.AddPytheusMetricServer(0, o =>
        {
            o.Host = host ?? o.Host;
            o.Endpoint.BasicAuthenticationUserName = userName;
            o.Endpoint.BasicAuthenticationPassword = userName is null ? null : "secret";
        });
        using var app = builder.Build();
        await app.StartAsync();
        try
        {
            app.Services.GetRequiredService<PytheusMetricServer>().Urls.ShouldHaveSingleItem().Host.ShouldBe(expectedUrlHost);
            logs.Entries.Any(e => e.Level == LogLevel.Warning && e.Id.Id == 12).ShouldBe(warns);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
