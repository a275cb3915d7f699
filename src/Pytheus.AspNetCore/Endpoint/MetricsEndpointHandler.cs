using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Pytheus.Exposition;
using Pytheus.Registry;

namespace Pytheus.AspNetCore;

/// <summary>
/// Serves a registry: collects first (a backend failure answers 503 with one line, never partial text), then streams the
/// negotiated format, gzip-compressed when accepted.
/// </summary>
internal sealed class MetricsEndpointHandler
{
    private readonly Func<CollectorRegistry> _registry;
    private readonly MetricsEndpointOptions _options;
    private readonly ILogger _logger;
    private readonly byte[]? _expectedCredentials;

    public MetricsEndpointHandler(Func<CollectorRegistry> registry, MetricsEndpointOptions options, ILogger logger)
    {
        _registry = registry;
        _options = options;
        _logger = logger;
        if (options.BasicAuthenticationUserName is not null || options.BasicAuthenticationPassword is not null)
        {
            if (string.IsNullOrEmpty(options.BasicAuthenticationUserName) || string.IsNullOrEmpty(options.BasicAuthenticationPassword))
            {
                throw new ArgumentException(
                    $"{nameof(MetricsEndpointOptions.BasicAuthenticationUserName)} and {nameof(MetricsEndpointOptions.BasicAuthenticationPassword)} must both be set, or neither.",
                    nameof(options));
            }
            _expectedCredentials = Encoding.UTF8.GetBytes(
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.BasicAuthenticationUserName}:{options.BasicAuthenticationPassword}")));
        }
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (_expectedCredentials is not null && !HasCredentials(request))
        {
            response.StatusCode = StatusCodes.Status401Unauthorized;
            response.Headers.WWWAuthenticate = "Basic realm=\"metrics\", charset=\"UTF-8\"";
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
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync($"Metrics are unavailable: {OneLine(e.Message)}\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var format = MetricsExposition.Negotiate(request.Headers.Accept);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = MetricsExposition.ContentType(format);
        response.Headers.Vary = "Accept, Accept-Encoding";
        response.Headers.CacheControl = "no-store";
        var gzip = _options.EnableCompression && AcceptsGzip(request.Headers.AcceptEncoding);
        if (gzip)
        {
            response.Headers.ContentEncoding = "gzip";
        }
        if (HttpMethods.IsHead(request.Method))
        {
            return;
        }
        if (gzip)
        {
            var zip = new GZipStream(response.Body, CompressionLevel.Fastest, leaveOpen: true);
            await using (zip.ConfigureAwait(false))
            {
                await MetricsExposition.WriteAsync(zip, metrics, format, context.RequestAborted).ConfigureAwait(false);
            }
        }
        else
        {
            await MetricsExposition.WriteAsync(response.Body, metrics, format, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private bool HasCredentials(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Basic ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var given = Encoding.UTF8.GetBytes(header.AsSpan(scheme.Length).Trim().ToString());
        return CryptographicOperations.FixedTimeEquals(given, _expectedCredentials);
    }

    // The error answer is one line whatever the exception's message holds.
    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    private static bool AcceptsGzip(string? acceptEncoding)
    {
        if (string.IsNullOrEmpty(acceptEncoding) || !StringWithQualityHeaderValue.TryParseList([acceptEncoding], out var values))
        {
            return false;
        }
        return values.Any(v => (v.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || v.Value.Equals("*", StringComparison.Ordinal))
            && (v.Quality ?? 1) > 0);
    }
}
