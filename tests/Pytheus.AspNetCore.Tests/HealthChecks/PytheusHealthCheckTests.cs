using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pytheus.Backends;
using Pytheus.Backends.InProcess;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.AspNetCore.Tests.HealthChecks;

public sealed class PytheusHealthCheckTests
{
    private static Task<TestHost> StartAsync(IBackend backend, CollectorRegistry registry, HealthStatus? failureStatus = null) =>
        TestHost.StartAsync(
            b =>
            {
                b.Services.AddPytheus(o =>
                {
                    o.BackendInstance = backend;
                    o.Registry = registry;
                    o.SetAsCurrentBackend = false;
                    o.FlushOnShutdown = false;
                });
                b.Services.AddHealthChecks().AddPytheus(failureStatus: failureStatus);
            },
            app => app.MapHealthChecks("/healthz"));

    [Fact]
    public async Task The_in_process_backend_is_healthy()
    {
        await using var host = await StartAsync(new InProcessBackend(), new CollectorRegistry());

        using var response = await host.Client.GetAsync("/healthz");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe("Healthy");
    }

    [Fact]
    public async Task A_collecting_backend_is_healthy_while_it_can_be_read_and_unhealthy_when_not()
    {
        var backend = new FailingBackend { Failing = false };
        var registry = new CollectorRegistry();
        new Counter("remote_total", "Remote.", registry: registry, backend: backend).Inc();
        await using var host = await StartAsync(backend, registry);

        using var healthy = await host.Client.GetAsync("/healthz");
        healthy.StatusCode.ShouldBe(HttpStatusCode.OK);

        backend.Failing = true;
        using var unhealthy = await host.Client.GetAsync("/healthz");
        unhealthy.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await unhealthy.Content.ReadAsStringAsync()).ShouldBe("Unhealthy");
    }

    [Fact]
    public async Task The_check_reports_the_failure_status_and_description()
    {
        var backend = new FailingBackend();
        var registry = new CollectorRegistry();
        new Counter("remote_total", "Remote.", registry: registry, backend: backend).Inc();
        await using var host = await StartAsync(backend, registry, HealthStatus.Degraded);

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = report.Entries["pytheus"];
        entry.Status.ShouldBe(HealthStatus.Degraded);
        entry.Description.ShouldBe("FailingBackend cannot be read: store unreachable second line third line");
        entry.Data["backend"].ShouldBe("FailingBackend");
    }
}
