namespace Pytheus.AspNetCore;

/// <summary>Options of the separate-port metrics server (<see cref="PytheusServiceCollectionExtensions.AddPytheusMetricServer"/>).</summary>
public sealed class MetricServerOptions
{
    /// <summary>The TCP port; 0 picks a free one (read it from <see cref="PytheusMetricServer.Urls"/>).</summary>
    public int Port { get; set; } = 9464;

    /// <summary>
    /// The address to bind: an IP address, <c>localhost</c>, or <c>*</c> / <c>0.0.0.0</c> for every interface (the
    /// default, since scrapers are usually remote).
    /// </summary>
    public string Host { get; set; } = "*";

    /// <summary>The path metrics are served at (default <c>/metrics</c>); other paths answer 404.</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>The endpoint's options (registry, compression, basic authentication; authorization policies do not apply here).</summary>
    public MetricsEndpointOptions Endpoint { get; } = new();
}
