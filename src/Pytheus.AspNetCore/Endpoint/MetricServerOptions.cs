namespace Pytheus.AspNetCore;

/// <summary>Options of the separate-port metrics server (<see cref="PytheusServiceCollectionExtensions.AddPytheusMetricServer"/>).</summary>
public sealed class MetricServerOptions
{
    /// <summary>The TCP port; 0 picks a free one (read it from <see cref="PytheusMetricServer.Urls"/>).</summary>
    public int Port { get; set; } = 9464;

    /// <summary>
    /// The address to bind: <c>127.0.0.1</c> (the default: loopback only, so that an endpoint without authentication is
    /// not reachable from other hosts), an IP address, <c>localhost</c>, or <c>*</c> / <c>0.0.0.0</c> for every
    /// interface. A remote Prometheus needs a reachable address: set it, with basic authentication
    /// (<see cref="MetricsEndpointOptions.BasicAuthenticationUserName"/>) or on a trusted network; binding beyond loopback
    /// without authentication logs a warning at start.
    /// </summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The path metrics are served at (default <c>/metrics</c>); other paths answer 404.</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>The endpoint's options (registry, compression, basic authentication; authorization policies do not apply here).</summary>
    public MetricsEndpointOptions Endpoint { get; } = new();
}
