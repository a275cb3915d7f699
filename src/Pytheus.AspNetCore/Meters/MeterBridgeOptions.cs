using System.Diagnostics.Metrics;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.AspNetCore;

/// <summary>Options of the <see cref="System.Diagnostics.Metrics"/> bridge (<see cref="PytheusServiceCollectionExtensions.AddPytheusMeterBridge"/>).</summary>
public sealed class MeterBridgeOptions
{
    /// <summary>
    /// The meters to export, by name (<c>"MyCompany.Orders"</c>), or by prefix ending in <c>*</c>
    /// (<c>"Microsoft.AspNetCore.*"</c>, <c>"*"</c> for every meter). Nothing is exported until a meter is listed.
    /// </summary>
    public IList<string> Meters { get; } = new List<string>();

    /// <summary>Further filter on the instruments of the listed meters; null exports them all.</summary>
    public Func<Instrument, bool>? InstrumentFilter { get; set; }

    /// <summary>Buckets of exported histograms, in the exported unit (seconds for time units).</summary>
    public IReadOnlyList<double> HistogramBuckets { get; set; } = Buckets.Default;

    /// <summary>Buckets for particular histograms by instrument name, overriding <see cref="HistogramBuckets"/>.</summary>
    public IDictionary<string, IReadOnlyList<double>> HistogramBucketsByInstrument { get; } =
        new Dictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal);

    /// <summary>
    /// How often observable instruments are read in the background, besides at every scrape of this process (so that
    /// a shared backend sees them when another process is scraped). <see cref="TimeSpan.Zero"/> reads them at scrapes only.
    /// </summary>
    public TimeSpan ObservableInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The registry; null means the registered <see cref="CollectorRegistry"/>, else <see cref="CollectorRegistry.Default"/>.</summary>
    public CollectorRegistry? Registry { get; set; }
}
