using System.ComponentModel;
using Prometheus;
using Pytheus.Compat.PrometheusNet.Binding;

namespace Pytheus.Compat.PrometheusNet.Redirects;

/// <summary>
/// Run in place of <c>Prometheus.CollectorRegistry</c>'s collection. Infrastructure: not for direct use. While not
/// patched, prometheus-net's own collection runs.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class RegistryRedirects
{
    internal static nint OriginalCollectAndSerializeAsync;

    /// <summary>
    /// Replaces the internal <c>CollectorRegistry.CollectAndSerializeAsync(IMetricsSerializer, CancellationToken)</c>, which
    /// every prometheus-net exporter calls (<c>CollectAndExportAsTextAsync</c>, <c>MetricServer</c>, the ASP.NET Core
    /// middleware, <c>MetricPusher</c>). The serializer is prometheus-net's internal <c>TextSerializer</c>.
    /// </summary>
    public static Task CollectAndSerializeAsync(CollectorRegistry self, object serializer, CancellationToken cancel) =>
        PatchState.Exporter is { } exporter
            ? exporter.ExportAsync(self, serializer, cancel)
            : ((delegate*<CollectorRegistry, object, CancellationToken, Task>)Original.Of(ref OriginalCollectAndSerializeAsync))(self, serializer, cancel);
}
