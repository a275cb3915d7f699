using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pytheus.Exposition;

namespace Pytheus.AspNetCore;

/// <summary>
/// Serves metrics on a port of their own with a minimal Kestrel server, started and stopped with the host — for a worker
/// service without HTTP, or to keep metrics off the application's public port. It reads no configuration of the
/// application (no <c>Kestrel</c> section, no <c>ASPNETCORE_URLS</c>): only <see cref="MetricServerOptions"/>.
/// </summary>
public sealed class PytheusMetricServer : IHostedService, IAsyncDisposable
{
    private readonly MetricServerOptions _options;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private WebApplication? _app;

    /// <summary>Creates the server (it listens from <see cref="StartAsync"/>).</summary>
    public PytheusMetricServer(IOptions<MetricServerOptions> options, IServiceProvider services, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        _options = options.Value;
        _services = services;
        _logger = (ILogger?)loggerFactory?.CreateLogger(Log.Category) ?? NullLogger.Instance;
    }

    /// <summary>The bound URLs of the metrics endpoint (with the actual port when 0 was asked); empty until started.</summary>
    public IReadOnlyList<Uri> Urls { get; private set; } = [];

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var path = "/" + _options.Path.Trim('/');
        var handler = PytheusEndpointRouteBuilderExtensions.CreateHandler(_options.Endpoint, _services);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        var app = builder.Build();
        app.Urls.Add($"http://{_options.Host}:{_options.Port}");
        app.Run(context =>
        {
            if (!string.Equals(context.Request.Path.Value?.TrimEnd('/'), path.TrimEnd('/'), StringComparison.Ordinal)
                && !(path == "/" && context.Request.Path.Value == "/"))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return context.Response.WriteAsync($"Not found. Metrics are served at {path}\n", context.RequestAborted);
            }
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                context.Response.Headers.Allow = "GET, HEAD";
                return Task.CompletedTask;
            }
            return handler.HandleAsync(context);
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        Urls = app.Urls.Select(u => new Uri(new Uri(u.Replace("[::]", "localhost", StringComparison.Ordinal)
            .Replace("0.0.0.0", "localhost", StringComparison.Ordinal)), path)).ToArray();
        foreach (var url in Urls)
        {
            Log.MetricServerStarted(_logger, url.ToString());
        }
        if (_options.Endpoint.BasicAuthenticationUserName is null && !HostNames.IsLoopback(_options.Host))
        {
            Log.MetricServerExposed(_logger, Urls[0].ToString());
        }
    }


    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }
}
