namespace Pytheus.Exposition;

/// <summary>The text formats Pytheus can write.</summary>
public enum ExpositionFormat
{
    /// <summary>Prometheus text format 0.0.4.</summary>
    PrometheusText,

    /// <summary>OpenMetrics 1.0 text format.</summary>
    OpenMetrics,
}
