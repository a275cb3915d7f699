using Prometheus;
using Pytheus.Backends;
using Pytheus.Compat.PrometheusNet.Endpoints;
using Pytheus.Exposition;
using PyFamily = Pytheus.Metrics.MetricFamily;
using PyFormat = Pytheus.Exposition.ExpositionFormat;

namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>
/// Stands in for prometheus-net's collection: runs its before-collect callbacks (default metrics, user callbacks),
/// synchronizes the bound Pytheus registry, collects it from the backend (one round trip for Redis), and writes
/// Pytheus's exposition into prometheus-net's output stream in the format prometheus-net negotiated — with what
/// prometheus-net would show: every collector of a name in one family, unpublished series left out, and the <c>le</c>
/// labels prometheus-net writes. When <paramref name="offerProtobuf"/>, a prometheus-net endpoint whose scraper prefers
/// the Prometheus protobuf format (a Prometheus server with native histograms enabled) gets it, native buckets included.
/// </summary>
internal sealed class Exporter(PrometheusNetInternals internals, RegistrySynchronizer synchronizer, bool offerProtobuf)
{
    public async Task ExportAsync(CollectorRegistry registry, object serializer, CancellationToken cancel)
    {
        await internals.RunBeforeCollectAsync(registry, cancel).ConfigureAwait(false);
        var (target, plan) = synchronizer.Synchronize(registry);
        var (stream, format) = internals.SerializerTarget(serializer);
        var request = offerProtobuf ? ScrapeRequests.Find(stream) : null;
        var pytheusFormat = request is not null && ScrapeResponse.Negotiate(request.Accept, null).Format == PyFormat.Protobuf ? PyFormat.Protobuf
            : format == Prometheus.ExpositionFormat.OpenMetricsText ? PyFormat.OpenMetrics
            : PyFormat.PrometheusText;
        IReadOnlyList<MetricSnapshot> metrics;
        try
        {
            var collected = await RegistryCollector.CollectAsync(target, cancel).ConfigureAwait(false);
            var companions = await CollectAsync(plan.AllCompanions.ToList(), cancel).ConfigureAwait(false);
            metrics = Compose(collected, companions, plan, pytheusFormat);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Thrown before the response stream is touched: prometheus-net's middleware answers 503 for this type.
            throw new ScrapeFailedException($"Pytheus could not read the metrics backend: {e.Message}", e);
        }
        // Touching the stream makes the endpoint set its text content type; nothing is written yet, so it can be replaced.
        var body = stream.Value;
        if (pytheusFormat == PyFormat.Protobuf)
        {
            request!.SetContentType(ProtobufFormat.ContentType);
        }
        await MetricsExposition.WriteAsync(body, metrics, pytheusFormat, cancel).ConfigureAwait(false);
        await internals.FlushSerializerAsync(serializer, cancel).ConfigureAwait(false);
    }

    private static List<MetricSnapshot> Compose(
        IReadOnlyList<MetricSnapshot> collected, Dictionary<PyFamily, IReadOnlyList<SeriesSnapshot>> companions, ExportPlan plan, PyFormat format)
    {
        var result = new List<MetricSnapshot>(collected.Count);
        foreach (var metric in collected)
        {
            if (!plan.IsBridged(metric.Definition))
            {
                result.Add(metric);
                continue;
            }
            var members = new List<Metrics.MetricDefinition> { metric.Definition };
            result.Add(Bridged(metric, metric.Series, plan, format));
            foreach (var companion in plan.CompanionsOf(metric.Definition))
            {
                // A backend that reads other processes' series returns, for each family, every series stored under its
                // name and label names: a second family with the same definition would repeat them.
                if (companion.Backend is ICollectingBackend && members.Any(m => m.IsSameAs(companion.Definition)))
                {
                    continue;
                }
                members.Add(companion.Definition);
                result.Add(Bridged(metric with { Definition = companion.Definition }, companions[companion], plan, format));
            }
        }
        return result;
    }

    private static MetricSnapshot Bridged(MetricSnapshot metric, IReadOnlyList<SeriesSnapshot> series, ExportPlan plan, PyFormat format) =>
        metric with
        {
            Series = plan.Published(metric.Definition, series),
            BucketLabels = metric.Definition.Type == Metrics.MetricType.Histogram ? PrometheusNetText.BucketLabels(metric.Definition.UpperBounds, format)
                : metric.Definition.Objectives.Count > 0 ? PrometheusNetText.BucketLabels(metric.Definition.Objectives, format)
                : null,
        };

    /// <summary>Reads families that are in no registry: one call per collecting backend, the rest from local stores.</summary>
    private static async Task<Dictionary<PyFamily, IReadOnlyList<SeriesSnapshot>>> CollectAsync(IReadOnlyList<PyFamily> families, CancellationToken cancel)
    {
        var result = new Dictionary<PyFamily, IReadOnlyList<SeriesSnapshot>>(ReferenceEqualityComparer.Instance);
        foreach (var group in families.GroupBy(f => f.Backend as ICollectingBackend))
        {
            var members = group.ToList();
            if (group.Key is { } backend)
            {
                var read = await backend.CollectAsync(members.Select(m => m.Definition).ToList(), cancel).ConfigureAwait(false);
                for (var i = 0; i < members.Count; i++)
                {
                    result[members[i]] = read[i];
                }
            }
            else
            {
                foreach (var family in members)
                {
                    result[family] = family.CollectLocal();
                }
            }
        }
        return result;
    }
}
