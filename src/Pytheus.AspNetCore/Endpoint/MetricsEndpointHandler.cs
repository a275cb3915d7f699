using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Pytheus.Exposition;
using Pytheus.Registry;

namespace Pytheus.AspNetCore;

/// <summary>
/// Serves a registry: collects first (a backend failure answers 503 <see cref="ScrapeResponse.UnavailableText"/>, never
/// partial text; the cause is logged), then streams the negotiated format (<see cref="ScrapeResponse"/>, shared with
/// <see cref="MetricsServer"/>).
/// </summary>
internal sealed class MetricsEndpointHandler
{
    private readonly Func<CollectorRegistry> _registry;
    private readonly MetricsEndpointOptions _options;
    private readonly ILogger _logger;
    private readonly BasicAuthentication? _authentication;

    public MetricsEndpointHandler(Func<CollectorRegistry> registry, MetricsEndpointOptions options, ILogger logger)
    {
        _registry = registry;
        _options = options;
        _logger = logger;
        _authentication = BasicAuthentication.FromOptions(options.BasicAuthenticationUserName, options.BasicAuthenticationPassword, nameof(options));
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (_authentication is not null && !_authentication.IsAuthorized(request.Headers.Authorization))
        {
            response.StatusCode = StatusCodes.Status401Unauthorized;
            response.Headers.WWWAuthenticate = BasicAuthentication.Challenge;
            return;
        }

        IReadOnlyList<MetricSnapshot> metrics;
        try
        {
            metrics = await RegistryCollector.CollectAsync(_registry(), context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            Log.ScrapeFailed(_logger, e, request.Path);
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.ContentType = ScrapeResponse.PlainTextContentType;
            await response.WriteAsync(ScrapeResponse.UnavailableText, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var answer = ScrapeResponse.Negotiate(request.Headers.Accept, request.Headers.AcceptEncoding, _options.EnableCompression);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = answer.ContentType;
        response.Headers.Vary = ScrapeResponse.Vary;
        response.Headers.CacheControl = "no-store";
        if (answer.ContentEncoding is { } encoding)
        {
            response.Headers.ContentEncoding = encoding;
        }
        if (HttpMethods.IsHead(request.Method))
        {
            return;
        }
        await answer.WriteAsync(response.Body, metrics, context.RequestAborted).ConfigureAwait(false);
    }
}
