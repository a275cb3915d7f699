using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Pytheus.Backends;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.AspNetCore;

/// <summary>
/// Measures each request's duration and its request and response body sizes, labelled by method, route template and
/// status code. The route is read after the rest of the pipeline ran, so the middleware may sit before or after
/// <c>UseRouting()</c>.
/// </summary>
public sealed class HttpMetricsMiddleware
{
    private static readonly string[] StatusCodeText = Enumerable.Range(0, 600).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    private static readonly string[] LabelNames = ["method", "route", "status_code"];

    private readonly RequestDelegate _next;
    private readonly HttpMetricsOptions _options;
    private readonly Histogram _duration;
    private readonly Histogram? _requestSize;
    private readonly Histogram? _responseSize;

    /// <summary>Creates the middleware and its metrics (in the configured registry, on the registered backend).</summary>
    public HttpMetricsMiddleware(RequestDelegate next, HttpMetricsOptions options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        _next = next;
        _options = options;
        var registry = options.Registry ?? services.GetService<CollectorRegistry>() ?? CollectorRegistry.Default;
        var backend = services.GetService<IBackend>();
        _duration = new Histogram(options.DurationMetricName, "Duration of HTTP requests in seconds.",
            LabelNames, buckets: options.DurationBuckets, registry: registry, backend: backend);
        if (options.RequestSizeMetricName is not null)
        {
            _requestSize = new Histogram(options.RequestSizeMetricName, "Size of HTTP request bodies in bytes.",
                LabelNames, buckets: options.SizeBuckets, registry: registry, backend: backend);
        }
        if (options.ResponseSizeMetricName is not null)
        {
            _responseSize = new Histogram(options.ResponseSizeMetricName, "Size of HTTP response bodies in bytes.",
                LabelNames, buckets: options.SizeBuckets, registry: registry, backend: backend);
        }
    }

    /// <summary>Runs the rest of the pipeline and records the request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        if (_options.Filter is { } filter && !filter(context))
        {
            await _next(context).ConfigureAwait(false);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        var request = context.Request;
        var response = context.Response;
        CountingStream? requestBody = null;
        if (_requestSize is not null && request.ContentLength is null)
        {
            requestBody = new CountingStream(request.Body);
            request.Body = requestBody;
        }
        CountingStream? responseBody = null;
        if (_responseSize is not null)
        {
            responseBody = new CountingStream(response.Body);
            response.Body = responseBody;
        }
        var failed = false;
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            if (requestBody is not null)
            {
                request.Body = requestBody.Inner;
            }
            if (responseBody is not null)
            {
                response.Body = responseBody.Inner;
            }
            // An exception that escaped before the response started becomes a 500 further out.
            var status = failed && !response.HasStarted ? StatusCodes.Status500InternalServerError : response.StatusCode;
            Record(context, status, Stopwatch.GetElapsedTime(started).TotalSeconds,
                requestBody?.Count ?? request.ContentLength ?? 0, responseBody?.Count ?? 0);
        }
    }

    private void Record(HttpContext context, int status, double seconds, long requestBytes, long responseBytes)
    {
        var method = HttpMethods.GetCanonicalizedValue(context.Request.Method);
        if (!IsKnownMethod(method))
        {
            method = "OTHER";
        }
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? _options.UnmatchedRoute;
        var code = (uint)status < (uint)StatusCodeText.Length ? StatusCodeText[status] : "other";
        _duration.WithLabelValues(method, route, code).Observe(seconds);
        _requestSize?.WithLabelValues(method, route, code).Observe(requestBytes);
        _responseSize?.WithLabelValues(method, route, code).Observe(responseBytes);
    }

    // Anything else is one label value: clients choose methods, and unbounded label values would follow them.
    private static bool IsKnownMethod(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method)
        || HttpMethods.IsPatch(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);
}
