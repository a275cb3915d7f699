using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Pytheus.AspNetCore;

/// <summary>Adds Pytheus middleware to an application's pipeline.</summary>
public static class PytheusApplicationBuilderExtensions
{
    /// <summary>
    /// Measures every request: <c>http_request_duration_seconds</c>, <c>http_request_size_bytes</c> and
    /// <c>http_response_size_bytes</c> histograms labelled by <c>method</c>, <c>route</c> (the endpoint's route template,
    /// such as <c>/items/{id}</c>, or <c>unmatched</c> — never the raw path) and <c>status_code</c>. Put it early in the
    /// pipeline to include the time of the middleware after it.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <param name="configure">Sets the options; without it, the options configured with
    /// <c>services.Configure&lt;HttpMetricsOptions&gt;(...)</c> apply, else the defaults.</param>
    public static IApplicationBuilder UsePytheusHttpMetrics(this IApplicationBuilder app, Action<HttpMetricsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Loads the configured backend now, so that metrics the application creates after this call use it.
        _ = app.ApplicationServices.GetService<Backends.IBackend>();
        HttpMetricsOptions options;
        if (configure is null)
        {
            options = app.ApplicationServices.GetService<IOptions<HttpMetricsOptions>>()?.Value ?? new HttpMetricsOptions();
        }
        else
        {
            options = new HttpMetricsOptions();
            configure(options);
        }
        return app.UseMiddleware<HttpMetricsMiddleware>(options);
    }
}
