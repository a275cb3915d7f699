namespace Pytheus.Exposition;

/// <summary>The exposition formats Pytheus can write.</summary>
public enum ExpositionFormat
{
    /// <summary>Prometheus text format 0.0.4.</summary>
    PrometheusText,

    /// <summary>OpenMetrics 1.0 text format.</summary>
    OpenMetrics,

    /// <summary>
    /// The Prometheus protobuf format (delimited <c>io.prometheus.client.MetricFamily</c> messages): binary, and the only
    /// one carrying native histogram buckets. See <see cref="ProtobufFormat"/>.
    /// </summary>
    Protobuf,
}
