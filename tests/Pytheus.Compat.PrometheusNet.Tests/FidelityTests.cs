using LegacyLibrary;
using PromMetrics = Prometheus.Metrics;

namespace Pytheus.Compat.PrometheusNet.Tests;

/// <summary>
/// prometheus-net behaviours an application observes — exposition text, values, exceptions — run on prometheus-net
/// itself (<c>patched: false</c>) and under PatchClient() (<c>patched: true</c>) with the same assertions, and compared
/// whole against plain prometheus-net in a process that never patched.
/// </summary>
[Collection(PatchedCollection.Name)]
public class FidelityTests(PatchedFixture fixture)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_child_removed_and_recreated_before_a_scrape_starts_at_zero_and_removed_children_are_not_exposed(bool patched)
    {
        var t = await RunAsync(patched, FidelityScenarios.RemoveAndRecreate);

        t["first"].ShouldContain("fr_jobs_total{queue=\"a\"} 5\n");
        t["recreated"].ShouldContain("fr_jobs_total{queue=\"a\"} 5\n");
        t["later"].ShouldContain("fr_jobs_total{queue=\"a\"} 10\n");
        t["old"].ShouldBe("6");
        t["fresh"].ShouldBe("10");
        Samples(t["after-old-write"]).ShouldBe(["fr_jobs_total{queue=\"a\"} 10"]);
        Samples(t["disposed"]).ShouldBeEmpty();
        t["never"].ShouldBe("3");
        Samples(t["removed-before-use"]).ShouldBeEmpty();
        Samples(t["again"]).ShouldBe(["fr_jobs_total{queue=\"a\"} 1"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Removing_the_sample_of_a_metric_without_labels_starts_a_new_one_at_zero(bool patched)
    {
        var t = await RunAsync(patched, FidelityScenarios.RemoveUnlabelled);

        Samples(t["removed"]).ShouldBe(["fr_level 0"]);
        t["level"].ShouldBe("2");
        t["first"].ShouldBe("7");
        Samples(t["written"]).ShouldBe(["fr_level 2"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_labelled_metric_written_without_labels_exposes_an_unlabelled_sample_in_the_same_family(bool patched)
    {
        var t = await RunAsync(patched, FidelityScenarios.LabelledWrittenWithoutLabels);

        t["inc"].ShouldBe("ok");
        t["observe"].ShouldBe("ok");
        t["hits"].ShouldBe("3");
        t["count"].ShouldBe("1");
        t["sum"].ShouldBe("2");
        Headers(t["text"]).ShouldBe(["# HELP fu_hits_total Hits.", "# TYPE fu_hits_total counter", "# HELP fu_latency_seconds Latency.", "# TYPE fu_latency_seconds histogram"]);
        Samples(t["text"]).ShouldBe(
        [
            "fu_hits_total 3",
            "fu_hits_total{route=\"/a\"} 2",
            "fu_latency_seconds_bucket{route=\"/a\",svc=\"api\",le=\"+Inf\"} 1",
            "fu_latency_seconds_bucket{route=\"/a\",svc=\"api\",le=\"1\"} 1",
            "fu_latency_seconds_bucket{svc=\"api\",le=\"+Inf\"} 1",
            "fu_latency_seconds_bucket{svc=\"api\",le=\"1\"} 0",
            "fu_latency_seconds_count{svc=\"api\"} 1",
            "fu_latency_seconds_count{route=\"/a\",svc=\"api\"} 1",
            "fu_latency_seconds_sum{route=\"/a\",svc=\"api\"} 0.5",
            "fu_latency_seconds_sum{svc=\"api\"} 2",
        ], ignoreOrder: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task One_name_with_several_label_sets_exposes_all_of_them_in_one_family(bool patched)
    {
        var t = await RunAsync(patched, FidelityScenarios.SeveralLabelSetsOfOneName);

        t["api"].ShouldBe("4");
        Headers(t["text"]).ShouldBe(["# HELP fs_requests_total Requests.", "# TYPE fs_requests_total counter"]);
        Samples(t["text"]).ShouldBe(
        [
            "fs_requests_total 3",
            "fs_requests_total{method=\"GET\",code=\"200\"} 2",
            "fs_requests_total{method=\"GET\"} 1",
            "fs_requests_total{method=\"POST\",svc=\"api\"} 4",
        ], ignoreOrder: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Unpublish_after_a_write_hides_the_series_until_the_next_write(bool patched)
    {
        var t = await RunAsync(patched, FidelityScenarios.UnpublishAfterWrite);

        Samples(t["unpublished"]).ShouldBe(["fp_temperature{room=\"hall\"} 18"]);
        Headers(t["unpublished"]).ShouldContain("# TYPE fp_events_total counter");
        t["kitchen"].ShouldBe("20");
        Samples(t["written-again"]).ShouldBe(["fp_temperature{room=\"hall\"} 18", "fp_temperature{room=\"kitchen\"} 21"], ignoreOrder: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_family_with_nothing_published_keeps_its_HELP_and_TYPE(bool patched)
    {
        var t = await RunAsync(patched, FidelityScenarios.SuppressedNeverPublished);

        Headers(t["text"]).ShouldBe(
        [
            "# HELP fx_ready Ready.", "# TYPE fx_ready gauge",
            "# HELP fx_unused_total Unused.", "# TYPE fx_unused_total counter",
            "# HELP fx_hidden_total Hidden.", "# TYPE fx_hidden_total counter",
        ], ignoreOrder: true);
        Samples(t["text"]).ShouldBeEmpty();
        Samples(t["published"]).ShouldBe(["fx_hidden_total{k=\"a\"} 0"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Bucket_labels_are_written_as_prometheus_net_writes_them_in_each_format(bool patched)
    {
        var t = await RunAsync(patched, FidelityScenarios.BucketLabels);

        Samples(t["text"]).Where(s => s.Contains("_bucket", StringComparison.Ordinal)).ShouldBe(
        [
            "fo_latency_seconds_bucket{le=\"1e-05\"} 0",
            "fo_latency_seconds_bucket{le=\"0.5\"} 0",
            "fo_latency_seconds_bucket{le=\"1\"} 1",
            "fo_latency_seconds_bucket{le=\"2.5\"} 2",
            "fo_latency_seconds_bucket{le=\"1000000\"} 2",
            "fo_latency_seconds_bucket{le=\"+Inf\"} 2",
        ]);
        Samples(t["openmetrics"]).Where(s => s.Contains("_bucket", StringComparison.Ordinal)).ShouldBe(
        [
            "fo_latency_seconds_bucket{le=\"1e-05\"} 0",
            "fo_latency_seconds_bucket{le=\"0.5\"} 0",
            "fo_latency_seconds_bucket{le=\"1.0\"} 1",
            "fo_latency_seconds_bucket{le=\"2.5\"} 2",
            "fo_latency_seconds_bucket{le=\"1000000.0\"} 2",
            "fo_latency_seconds_bucket{le=\"+Inf\"} 2",
        ]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Explicit_exemplars_are_checked_as_prometheus_net_checks_them(bool patched)
    {
        var t = await RunAsync(patched, FidelityScenarios.ExemplarChecks);

        t["first"].ShouldBe("ok");
        t["reused"].ShouldBe(nameof(InvalidOperationException));
        t["duplicate-keys"].ShouldBe(nameof(ArgumentException));
        t["too-long"].ShouldBe(nameof(ArgumentException));
        t["none"].ShouldBe("ok");
        t["calls"].ShouldBe("3");
        t["observe"].ShouldBe("ok");
        t["observe-reused"].ShouldBe(nameof(InvalidOperationException));
        Samples(t["text"]).ShouldContain("fe_calls_total 3");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_summary_with_objectives_exposes_its_quantiles_within_one_percent_of_the_exact_ones(bool patched)
    {
        var t = await RunAsync(patched, FidelityScenarios.SummaryQuantiles);

        // SummaryQuantiles records an estimate within 1% of the exact quantile as the exact one.
        // Pytheus writes large sums as Prometheus does (3.999e+06), prometheus-net as 3999000: same number.
        double.Parse(Samples(t["text"]).Single(l => l.StartsWith("fq_size_bytes_sum", StringComparison.Ordinal)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBe(3999000);
        Samples(t["text"]).Where(l => !l.StartsWith("fq_size_bytes_sum", StringComparison.Ordinal)).ShouldBe(
        [
            "fq_size_bytes_count{kind=\"a\"} 2000",
            "fq_size_bytes{kind=\"a\",quantile=\"0.5\"} 1999",
            "fq_size_bytes{kind=\"a\",quantile=\"0.9\"} 2799",
            "fq_size_bytes{kind=\"a\",quantile=\"0.99\"} 2979",
            "fq_idle_seconds_sum 0",
            "fq_idle_seconds_count 0",
            "fq_idle_seconds{quantile=\"0.5\"} NaN",
        ], ignoreOrder: true);
        Headers(t["text"]).ShouldContain("# TYPE fq_size_bytes summary");
        Samples(t["openmetrics"]).ShouldContain("fq_size_bytes{kind=\"a\",quantile=\"0.99\"} 2979");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_latest_exemplars_of_counters_and_buckets_are_exposed_in_OpenMetrics_only(bool patched)
    {
        var t = await RunAsync(patched, FidelityScenarios.ExemplarsExposed);

        t["text"].ShouldNotContain("trace_id");
        Lines(t["openmetrics"]).Where(l => l.StartsWith("# exemplar", StringComparison.Ordinal)).ShouldBe(
        [
            "# exemplar of fx_calls_total{route=\"/a\"}: {trace_id=\"abc\"} 2 recent",
            "# exemplar of fx_latency_seconds_bucket{le=\"0.1\"}: {trace_id=\"fast\",span_id=\"12\"} 0.05 recent",
            "# exemplar of fx_latency_seconds_bucket{le=\"1.0\"}: {trace_id=\"slow\"} 0.5 recent",
        ], ignoreOrder: true);
    }

    [Fact]
    public async Task Every_scenario_records_under_the_patch_what_plain_prometheus_net_records_in_a_process_that_never_patched()
    {
        var plain = Transcripts.Parse(await LegacyWorker.RunAsync(["scenarios"]));

        plain.Keys.ShouldBe(FidelityScenarios.All.Keys, ignoreOrder: true);
        foreach (var (name, scenario) in FidelityScenarios.All)
        {
            Transcripts.ShouldMatch(await scenario(PromMetrics.NewCustomRegistry()), plain[name], name);
        }
    }

    private async Task<Transcript> RunAsync(bool patched, Func<Prometheus.CollectorRegistry, Task<Transcript>> scenario)
    {
        if (patched)
        {
            return await scenario(PromMetrics.NewCustomRegistry());
        }
        Compat.UnpatchClient();
        try
        {
            return await scenario(PromMetrics.NewCustomRegistry());
        }
        finally
        {
            Compat.PatchClient(new PatchOptions { Registry = fixture.Registry, Backend = fixture.Backend });
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string[] Samples(string text) => Lines(text).Where(l => !l.StartsWith('#')).ToArray();

    private static string[] Headers(string text) => Lines(text).Where(l => l.StartsWith("# HELP", StringComparison.Ordinal) || l.StartsWith("# TYPE", StringComparison.Ordinal)).ToArray();
}
