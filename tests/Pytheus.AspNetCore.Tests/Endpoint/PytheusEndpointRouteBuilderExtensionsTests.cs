using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pytheus.Backends.InProcess;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.AspNetCore.Tests.Endpoint;

public sealed class PytheusEndpointRouteBuilderExtensionsTests
{
    private static Task<TestHost> StartAsync(CollectorRegistry registry, Action<WebApplication> map) =>
        TestHost.StartAsync(
            b => b.Services.AddPytheus(o =>
            {
                o.Registry = registry;
                o.BackendInstance = new InProcessBackend();
                o.SetAsCurrentBackend = false;
            }),
            map);

    private static CollectorRegistry RegistryWithCounter(double value = 3)
    {
        var registry = new CollectorRegistry();
        new Counter("jobs_total", "Jobs done.", registry: registry, backend: new InProcessBackend()).Inc(value);
        return registry;
    }

    [Fact]
    public async Task Get_serves_the_registry_in_the_text_format()
    {
        await using var host = await StartAsync(RegistryWithCounter(), app => app.MapPytheusMetrics());

        using var response = await host.Client.GetAsync("/metrics");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; version=0.0.4; charset=utf-8");
        response.Content.Headers.ContentEncoding.ShouldBeEmpty();
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldBe("# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\njobs_total 3\n");
    }

    [Fact]
    public async Task Gzip_is_used_when_accepted()
    {
        await using var host = await StartAsync(RegistryWithCounter(), app => app.MapPytheusMetrics());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.AcceptEncoding.ParseAdd("gzip, deflate");

        using var response = await host.Client.SendAsync(request);

        response.Content.Headers.ContentEncoding.ShouldBe(["gzip"]);
        await using var zip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        using var reader = new StreamReader(zip, Encoding.UTF8);
        (await reader.ReadToEndAsync()).ShouldContain("jobs_total 3\n");
    }

    [Fact]
    public async Task Gzip_is_not_used_when_refused_or_disabled()
    {
        await using var host = await StartAsync(RegistryWithCounter(), app =>
        {
            app.MapPytheusMetrics();
            app.MapPytheusMetrics("/plain", o => o.EnableCompression = false);
        });
        using var refused = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        refused.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip;q=0, identity");
        using var disabled = new HttpRequestMessage(HttpMethod.Get, "/plain");
        disabled.Headers.AcceptEncoding.ParseAdd("gzip");

        using var first = await host.Client.SendAsync(refused);
        using var second = await host.Client.SendAsync(disabled);

        first.Content.Headers.ContentEncoding.ShouldBeEmpty();
        second.Content.Headers.ContentEncoding.ShouldBeEmpty();
        (await second.Content.ReadAsStringAsync()).ShouldContain("jobs_total 3\n");
    }

    [Fact]
    public async Task OpenMetrics_is_served_when_asked_for()
    {
        await using var host = await StartAsync(RegistryWithCounter(), app => app.MapPytheusMetrics());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Accept.ParseAdd("application/openmetrics-text; version=1.0.0; charset=utf-8");
        request.Headers.Accept.ParseAdd("text/plain;version=0.0.4;q=0.5");

        using var response = await host.Client.SendAsync(request);

        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/openmetrics-text");
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldBe("# TYPE jobs counter\n# HELP jobs Jobs done.\njobs_total 3\n# EOF\n");
    }

    [Fact]
    public async Task Protobuf_is_served_when_a_Prometheus_with_native_histograms_asks_for_it()
    {
        var registry = RegistryWithCounter();
        new Histogram("wait_seconds", "Wait.", registry: registry, nativeHistogram: new NativeHistogramOptions { Schema = 0 }).Observe(3);
        await using var host = await StartAsync(registry, app => app.MapPytheusMetrics());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept",
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.8,application/openmetrics-text;version=1.0.0;q=0.7,*/*;q=0.1");

        using var response = await host.Client.SendAsync(request);

        response.Content.Headers.ContentType!.ToString().ShouldBe(Pytheus.Exposition.ProtobufFormat.ContentType);
        var families = Pytheus.Tests.Shared.PrometheusProtobufReader.Read(await response.Content.ReadAsByteArrayAsync());
        families.Select(f => f.Name).ShouldBe(["jobs_total", "wait_seconds"]);
        families[0].Metrics.Single().Counter.ShouldBe(3);
        var native = families[1].Metrics.Single().Histogram!;
        (native.Schema, native.Count, native.Sum).ShouldBe((0, 1UL, 3.0));
        native.Side(negative: false).ShouldBe([(2, 1L)]);
    }

    [Fact]
    public async Task Head_answers_headers_without_a_body()
    {
        await using var host = await StartAsync(RegistryWithCounter(), app => app.MapPytheusMetrics());

        using var response = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/metrics"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        (await response.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Other_methods_are_not_served()
    {
        await using var host = await StartAsync(RegistryWithCounter(), app => app.MapPytheusMetrics());

        using var response = await host.Client.PostAsync("/metrics", new StringContent(""));

        response.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task A_backend_failure_answers_503_backend_unavailable_without_the_cause_and_logs_the_cause()
    {
        var registry = new CollectorRegistry();
        var backend = new FailingBackend();
        new Counter("remote_total", "Stored remotely.", registry: registry, backend: backend).Inc();
        await using var host = await StartAsync(registry, app => app.MapPytheusMetrics());

        using var response = await host.Client.GetAsync("/metrics");

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldBe("Metrics are unavailable: backend unavailable.\n");
        text.ShouldNotContain("store unreachable");
        host.Logs.Entries.ShouldContain(e => e.Level == LogLevel.Error && e.Id.Id == 1
            && e.Exception is InvalidOperationException && e.Exception.Message.Contains("store unreachable", StringComparison.Ordinal));

        backend.Failing = false;
        using var recovered = await host.Client.GetAsync("/metrics");
        recovered.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await recovered.Content.ReadAsStringAsync()).ShouldContain("remote_total 1\n");
    }

    [Fact]
    public async Task An_authorization_policy_turns_away_anonymous_scrapers()
    {
        await using var host = await TestHost.StartAsync(
            b =>
            {
                b.Services.AddPytheus(o =>
                {
                    o.Registry = RegistryWithCounter();
                    o.BackendInstance = new InProcessBackend();
                    o.SetAsCurrentBackend = false;
                });
                b.Services.AddAuthentication("Token").AddScheme<AuthenticationSchemeOptions, TokenHandler>("Token", null);
                b.Services.AddAuthorization(o => o.AddPolicy("metrics", p => p.RequireAuthenticatedUser()));
            },
            app =>
            {
                app.UseAuthentication();
                app.UseAuthorization();
                app.MapPytheusMetrics("/metrics", o => o.AuthorizationPolicy = "metrics");
                app.MapPytheusMetrics("/metrics2").RequireAuthorization("metrics");
            });

        foreach (var path in new[] { "/metrics", "/metrics2" })
        {
            using var anonymous = await host.Client.GetAsync(path);
            anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Token", TokenHandler.Secret);
            using var authorized = await host.Client.SendAsync(request);
            authorized.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await authorized.Content.ReadAsStringAsync()).ShouldContain("jobs_total 3");
        }
    }

    [Fact]
    public async Task Basic_authentication_checks_the_credentials()
    {
        await using var host = await StartAsync(RegistryWithCounter(), app => app.MapPytheusMetrics("/metrics", o =>
        {
            o.BasicAuthenticationUserName = "prometheus";
            o.BasicAuthenticationPassword = "s3cret";
        }));

        using var anonymous = await host.Client.GetAsync("/metrics");
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        anonymous.Headers.WwwAuthenticate.ToString().ShouldStartWith("Basic");

        (await SendWithBasic(host, "prometheus:wrong")).ShouldBe(HttpStatusCode.Unauthorized);
        (await SendWithBasic(host, "prometheus:s3cret")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Without_AddPytheus_the_default_registry_is_served()
    {
        var name = "unregistered_app_" + Guid.NewGuid().ToString("N");
        var counter = new Counter(name, "In the default registry.");
        try
        {
            await using var host = await TestHost.StartAsync(_ => { }, app => app.MapPytheusMetrics());
            using var response = await host.Client.GetAsync("/metrics");
            (await response.Content.ReadAsStringAsync()).ShouldContain($"{name} 0\n");
        }
        finally
        {
            CollectorRegistry.Default.Unregister(counter);
        }
    }

    private static async Task<HttpStatusCode> SendWithBasic(TestHost host, string credentials)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        using var response = await host.Client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Authenticates requests carrying <c>Authorization: Token let-me-in</c>.</summary>
    private sealed class TokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, System.Text.Encodings.Web.UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string Secret = "let-me-in";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (Request.Headers.Authorization.ToString() != "Token " + Secret)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }
            var identity = new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim("sub", "scraper")], Scheme.Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new System.Security.Claims.ClaimsPrincipal(identity), Scheme.Name)));
        }
    }
}
