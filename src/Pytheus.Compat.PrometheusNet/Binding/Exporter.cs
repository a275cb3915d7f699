using Prometheus;
using Pytheus.Exposition;
using PyFormat = Pytheus.Exposition.ExpositionFormat;

namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>
/// Stands in for prometheus-net's collection: runs its before-collect callbacks (default metrics, user callbacks),
/// synchronizes the bound Pytheus registry, collects it from the backend (one round trip for Redis), and writes
/// Pytheus's exposition into prometheus-net's output stream in the format prometheus-net negotiated.
/// </summary>
internal sealed class Exporter(PrometheusNetInternals internals, RegistrySynchronizer synchronizer)
{
    public async Task ExportAsync(CollectorRegistry registry, object serializer, CancellationToken cancel)
    {
        await internals.RunBeforeCollectAsync(registry, cancel).ConfigureAwait(false);
        var target = synchronizer.Synchronize(registry);
        IReadOnlyList<MetricSnapshot> metrics;
        try
        {
            metrics = await RegistryCollector.CollectAsync(target, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Thrown before the response stream is touched: prometheus-net's middleware answers 503 for this type.
            throw new ScrapeFailedException($"Pytheus could not read the metrics backend: {e.Message}", e);
        }
        var (stream, format) = internals.SerializerTarget(serializer);
        var pytheusFormat = format == Prometheus.ExpositionFormat.OpenMetricsText ? PyFormat.OpenMetrics : PyFormat.PrometheusText;
        await MetricsExposition.WriteAsync(stream(), metrics, pytheusFormat, cancel).ConfigureAwait(false);
        await internals.FlushSerializerAsync(serializer, cancel).ConfigureAwait(false);
    }
}
