using Pytheus.Registry;

namespace Pytheus.AspNetCore;

/// <summary>
/// Options of the metrics endpoint (<see cref="PytheusEndpointRouteBuilderExtensions.MapPytheusMetrics"/> and
/// <see cref="PytheusServiceCollectionExtensions.AddPytheusMetricServer"/>). A metrics endpoint is unauthenticated by
/// default: set <see cref="AuthorizationPolicy"/> or the basic-authentication credentials, or keep it off public networks.
/// </summary>
public sealed class MetricsEndpointOptions
{
    /// <summary>The registry to serve; null means the registered <see cref="CollectorRegistry"/>, else <see cref="CollectorRegistry.Default"/>.</summary>
    public CollectorRegistry? Registry { get; set; }

    /// <summary>Whether the answer is gzip-compressed when the scraper accepts it (default true).</summary>
    public bool EnableCompression { get; set; } = true;

    /// <summary>
    /// The name of an authorization policy the endpoint requires (endpoint routing only; the application must call
    /// <c>UseAuthentication()</c>/<c>UseAuthorization()</c> as usual). Null means none.
    /// </summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>
    /// With <see cref="BasicAuthenticationPassword"/>: the user name a scraper must present with HTTP basic
    /// authentication; others get 401. Use it over HTTPS only. Null means no basic authentication.
    /// </summary>
    public string? BasicAuthenticationUserName { get; set; }

    /// <summary>The password that goes with <see cref="BasicAuthenticationUserName"/>.</summary>
    public string? BasicAuthenticationPassword { get; set; }
}
