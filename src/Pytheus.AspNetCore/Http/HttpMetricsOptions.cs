using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.AspNetCore;

/// <summary>
/// Options of <see cref="PytheusApplicationBuilderExtensions.UsePytheusHttpMetrics"/>. Every metric is labelled by
/// <c>method</c>, <c>route</c> (the endpoint's route template, or <see cref="UnmatchedRoute"/>) and <c>status_code</c>:
/// bounded cardinality whatever paths clients send.
/// </summary>
public sealed class HttpMetricsOptions
{
    /// <summary>Name of the request duration histogram, in seconds.</summary>
    public string DurationMetricName { get; set; } = "http_request_duration_seconds";

    /// <summary>Buckets of the duration histogram (default: <see cref="Metrics.Buckets.Default"/>, 5 ms to 10 s).</summary>
    public IReadOnlyList<double> DurationBuckets { get; set; } = Buckets.Default;

    /// <summary>Name of the request body size histogram, in bytes; null disables it.</summary>
    public string? RequestSizeMetricName { get; set; } = "http_request_size_bytes";

    /// <summary>Name of the response body size histogram, in bytes; null disables it.</summary>
    public string? ResponseSizeMetricName { get; set; } = "http_response_size_bytes";

    /// <summary>Buckets of the size histograms (default: 100 B to 100 MB, ×10).</summary>
    public IReadOnlyList<double> SizeBuckets { get; set; } = Buckets.Exponential(100, 10, 7);

    /// <summary>The route label of requests no endpoint matched (404s from probes and scanners land here).</summary>
    public string UnmatchedRoute { get; set; } = "unmatched";

    /// <summary>The registry; null means the registered <see cref="CollectorRegistry"/>, else <see cref="CollectorRegistry.Default"/>.</summary>
    public CollectorRegistry? Registry { get; set; }

    /// <summary>Requests for which this returns false are not measured (e.g. the metrics endpoint itself). Null measures all.</summary>
    public Func<Microsoft.AspNetCore.Http.HttpContext, bool>? Filter { get; set; }
}
