using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Exposition;

/// <summary><c>le</c> values per format, bridge-supplied bucket labels, and one family written from several snapshots.</summary>
public class OpenMetricsBucketTests
{
    [Fact]
    public async Task OpenMetrics_writes_le_as_canonical_floats_and_the_text_format_as_Prometheus_prints_them()
    {
        var registry = new CollectorRegistry();
        new Histogram("h", "H.", buckets: [1e-05, 0.5, 1, 5, 1e6], registry: registry).Observe(2);

        var openMetrics = await MetricsExposition.GenerateMetricsAsync(registry, ExpositionFormat.OpenMetrics);
        var text = await MetricsExposition.GenerateMetricsAsync(registry);

        openMetrics.ShouldContain("""
            h_bucket{le="1e-05"} 0
            h_bucket{le="0.5"} 0
            h_bucket{le="1.0"} 0
            h_bucket{le="5.0"} 1
            h_bucket{le="1e+06"} 1
            h_bucket{le="+Inf"} 1
            """.ReplaceLineEndings("\n"));
        text.ShouldContain("h_bucket{le=\"1\"} 0\nh_bucket{le=\"5\"} 1\nh_bucket{le=\"1e+06\"} 1\n");
    }

    [Fact]
    public async Task Snapshots_of_one_name_in_a_row_are_one_family_and_bucket_labels_can_be_given()
    {
        var registry = new CollectorRegistry();
        var labelled = new Counter("c_total", "First help.", ["k"], registry: registry);
        labelled.Labels(("k", "a")).Inc(2);
        var bare = new Counter("c_total", "Second help.", registry: CollectorRegistry.None);
        bare.Inc(3);
        var histogram = new Histogram("h", "H.", buckets: [1], registry: CollectorRegistry.None);
        histogram.Observe(0.5);
        var collected = await RegistryCollector.CollectAsync(registry);
        IReadOnlyList<MetricSnapshot> metrics =
        [
            .. collected,
            new MetricSnapshot("c_total", bare.Family.Definition, bare.Family.CollectLocal()),
            new MetricSnapshot("h", histogram.Family.Definition, histogram.Family.CollectLocal()) { BucketLabels = ["1.00", "+Inf"] },
        ];
        using var stream = new MemoryStream();

        await MetricsExposition.WriteAsync(stream, metrics, ExpositionFormat.PrometheusText);

        System.Text.Encoding.UTF8.GetString(stream.ToArray()).ShouldBe("""
            # HELP c_total First help.
            # TYPE c_total counter
            c_total{k="a"} 2
            c_total 3
            # HELP h H.
            # TYPE h histogram
            h_bucket{le="1.00"} 1
            h_bucket{le="+Inf"} 1
            h_sum 0.5
            h_count 1

            """.ReplaceLineEndings("\n"));
    }
}
