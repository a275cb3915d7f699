using Pytheus.Registry;

namespace Pytheus.Exposition;

/// <summary>Options of <see cref="MetricsServer"/>.</summary>
public sealed class MetricsServerOptions
{
    /// <summary>TCP port (0 is not supported by <see cref="System.Net.HttpListener"/>: pick a free one). Default 9464.</summary>
    public int Port { get; set; } = 9464;

    /// <summary>
    /// Host to bind: <c>127.0.0.1</c> (the default: loopback only, so that an unauthenticated endpoint is not reachable
    /// from other hosts), <c>localhost</c>, an address, or <c>+</c> for every address — set it (with
    /// <see cref="BasicAuthenticationUserName"/>, or on a trusted network) when a remote Prometheus scrapes this process.
    /// </summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The metrics path (default <c>/metrics</c>); other paths answer 404.</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>The registry to serve; null means <see cref="CollectorRegistry.Default"/> at each request.</summary>
    public CollectorRegistry? Registry { get; set; }

    /// <summary>Whether the answer is gzip-compressed when the scraper accepts it (default true).</summary>
    public bool EnableCompression { get; set; } = true;

    /// <summary>
    /// How many answers are written at once (default 4). Further requests wait for a free slot, up to
    /// <see cref="MaxQueuedRequests"/>. Requests that arrive during one collection share it and its rendered body, so
    /// the server holds at most this many bodies (each once per format and compression asked), whatever the number of
    /// clients.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 4;

    /// <summary>How many requests may wait for a slot (default 64); beyond that a request is answered 503 at once.</summary>
    public int MaxQueuedRequests { get; set; } = 64;

    /// <summary>
    /// How long writing one answer may take (default 30 s). A client reading slower than that has its connection
    /// closed, which frees its slot for the others.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// With <see cref="BasicAuthenticationPassword"/>: the user name a scraper must present with HTTP basic
    /// authentication; others get 401. Null means no authentication.
    /// </summary>
    public string? BasicAuthenticationUserName { get; set; }

    /// <summary>The password that goes with <see cref="BasicAuthenticationUserName"/>.</summary>
    public string? BasicAuthenticationPassword { get; set; }
}
