using Microsoft.Extensions.Logging;
using Pytheus.Backends;
using Pytheus.Compat.PrometheusNet.Patching;
using Pytheus.Metrics;
using PyRegistry = Pytheus.Registry.CollectorRegistry;

namespace Pytheus.Compat.PrometheusNet;

/// <summary>How <see cref="Compat.PatchClient(PatchOptions?)"/> binds prometheus-net onto Pytheus.</summary>
public sealed class PatchOptions
{
    /// <summary>
    /// The backend prometheus-net's metrics are stored in. Null means <see cref="Backend.Current"/>, which honours
    /// <c>PYTHEUS_BACKEND_CLASS</c> and <c>PYTHEUS_BACKEND_CONFIG</c>.
    /// </summary>
    public IBackend? Backend { get; set; }

    /// <summary>
    /// The Pytheus registry that stands for prometheus-net's <c>Metrics.DefaultRegistry</c>. Null means
    /// <see cref="PyRegistry.Default"/>, so metrics created with either library are exposed together.
    /// </summary>
    public PyRegistry? Registry { get; set; }

    /// <summary>
    /// Name prefixes of process-specific metrics (prometheus-net's default process and runtime metrics): they are kept on
    /// an in-process backend, because summing CPU time or memory across processes is meaningless.
    /// </summary>
    public IList<string> LocalMetricPrefixes { get; } = ["process_", "dotnet_", "prometheus_net_", "system_runtime_", "private_internaldiagnostics_"];

    /// <summary>
    /// The <see cref="GaugeMode"/> of prometheus-net gauges no entry of <see cref="GaugeModes"/> names. Default
    /// <see cref="GaugeMode.LiveSum"/>: the series look as they did (no added label), and a crashed process's
    /// in-progress counts leave the shared picture once it is known dead. <see cref="GaugeMode.Shared"/> gives
    /// pytheus's one shared number. See <c>docs/multiprocess.md</c>.
    /// </summary>
    public GaugeMode DefaultGaugeMode { get; set; } = GaugeMode.LiveSum;

    /// <summary>
    /// Gauge modes by metric name or pattern (<c>*</c> matches any run of characters), e.g.
    /// <c>["queue_depth"] = GaugeMode.Max</c>, <c>["pool_*"] = GaugeMode.LiveAll</c>. An exact name beats a pattern, a
    /// longer pattern a shorter one. Metrics kept per process (<see cref="LocalMetricPrefixes"/>) are not affected.
    /// </summary>
    public IDictionary<string, GaugeMode> GaugeModes { get; } = new Dictionary<string, GaugeMode>(StringComparer.Ordinal);

    /// <summary>
    /// Native (sparse, exponential) buckets for every redirected prometheus-net histogram that no entry of
    /// <see cref="NativeHistogramRules"/> names: kept beside the histogram's own buckets, which the text formats still
    /// show, and exposed in the Prometheus protobuf format, by Pytheus's endpoints and prometheus-net's own (see
    /// <see cref="ServeProtobuf"/>) — a legacy application gains native histograms with no code change. Null (the
    /// default) means classic buckets only, unless neither this nor <see cref="NativeHistogramRules"/> is set and the
    /// environment variable <c>PYTHEUS_NATIVE_HISTOGRAMS</c> is: <c>on</c> for the defaults, or settings such as
    /// <c>schema=4,zero_threshold=1e-9,max_bucket_count=100</c> (or <c>bucket_factor=1.1</c>), for every histogram.
    /// Bad options fail <c>PatchClient()</c> before anything is patched. Needs the detour strategy, which sees every observed value;
    /// under the portable strategy it is ignored with a warning. See <c>docs/native-histograms.md</c>.
    /// </summary>
    public NativeHistogramOptions? NativeHistograms { get; set; }

    /// <summary>
    /// Native buckets by histogram name or pattern (<c>*</c> matches any run of characters), e.g.
    /// <c>["http_request_duration_seconds"] = new NativeHistogramOptions { Schema = 4 }</c>; a null value keeps the
    /// matching histograms classic. An exact name beats a pattern, a longer pattern a shorter one; unmatched histograms
    /// get <see cref="NativeHistograms"/>.
    /// </summary>
    public IDictionary<string, NativeHistogramOptions?> NativeHistogramRules { get; } = new Dictionary<string, NativeHistogramOptions?>(StringComparer.Ordinal);

    /// <summary>
    /// Whether prometheus-net's own endpoints (<c>MapMetrics</c>, <c>UseMetricServer</c>, <c>KestrelMetricServer</c> and
    /// the HttpListener <c>MetricServer</c>) answer in the Prometheus protobuf format when the scraper's <c>Accept</c>
    /// header prefers it to both text formats, as a Prometheus server with native histograms enabled does: every family
    /// goes out in it, native buckets included. Null (the default) means yes exactly when some histogram gets native
    /// buckets (<see cref="NativeHistograms"/>, <see cref="NativeHistogramRules"/>); otherwise those endpoints answer in
    /// prometheus-net's text formats, as unpatched. Detour strategy only: under the portable strategy prometheus-net
    /// writes its own text. Exports with no HTTP request (<c>CollectAndExportAsTextAsync</c>, <c>MetricPusher</c>) stay text.
    /// </summary>
    public bool? ServeProtobuf { get; set; }

    /// <summary>Where the bridge logs (binding, late patching, escaped updates). Null means no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The detour engine; null means Pytheus's own <see cref="MethodDetourer"/>. Internal: tests swap it.</summary>
    internal IMethodDetourer? Detourer { get; set; }

    /// <summary>
    /// How prometheus-net is moved onto Pytheus. Null means the environment variable <c>PYTHEUS_PATCH_STRATEGY</c>
    /// (<c>auto</c>, <c>detour</c> or <c>portable</c>), and <see cref="PatchStrategy.Auto"/> when it is not set.
    /// </summary>
    public PatchStrategy? Strategy { get; set; }

    /// <summary>
    /// Under the portable strategy, how often prometheus-net's changes are harvested into the backend (default 1 s):
    /// other processes see a change at most this long plus the backend's own flush interval later. Every export
    /// harvests first, so this process's own exports are always up to date.
    /// </summary>
    public TimeSpan HarvestInterval { get; set; } = TimeSpan.FromSeconds(1);
}
