using System.ComponentModel;
using Prometheus;
using Pytheus.Compat.PrometheusNet.Binding;

namespace Pytheus.Compat.PrometheusNet.Redirects;

/// <summary>Run in place of <c>Prometheus.CollectorRegistry</c>'s collection while patched. Infrastructure: not for direct use.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RegistryRedirects
{
    /// <summary>
    /// Replaces the internal <c>CollectorRegistry.CollectAndSerializeAsync(IMetricsSerializer, CancellationToken)</c>, which
    /// every prometheus-net exporter calls (<c>CollectAndExportAsTextAsync</c>, <c>MetricServer</c>, the ASP.NET Core
    /// middleware, <c>MetricPusher</c>). The serializer is prometheus-net's internal <c>TextSerializer</c>.
    /// </summary>
    public static Task CollectAndSerializeAsync(CollectorRegistry self, object serializer, CancellationToken cancel) =>
        PatchState.Exporter.ExportAsync(self, serializer, cancel);
}
