namespace Pytheus.Metrics;

/// <summary>The Prometheus metric types Pytheus exposes.</summary>
public enum MetricType
{
    /// <summary>A value that only goes up.</summary>
    Counter,

    /// <summary>A value that goes up and down.</summary>
    Gauge,

    /// <summary>Observations counted into buckets, with their sum and count.</summary>
    Histogram,

    /// <summary>The sum and count of observations (no quantiles, as in pytheus).</summary>
    Summary,

    /// <summary>A value of unknown type.</summary>
    Untyped,
}
