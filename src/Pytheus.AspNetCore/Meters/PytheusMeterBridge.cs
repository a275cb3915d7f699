using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pytheus.Backends;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.AspNetCore;

/// <summary>
/// Exports instruments of .NET's <see cref="System.Diagnostics.Metrics"/> API (ASP.NET Core's, HttpClient's, the
/// runtime's, the application's own meters) as Pytheus metrics, so they are stored in the Pytheus backend and aggregated
/// across processes like any other metric. Started and stopped with the host.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>Counter&lt;T&gt;</c> → counter (increments); <c>UpDownCounter&lt;T&gt;</c> → gauge (increments);
/// <c>Histogram&lt;T&gt;</c> → histogram (<see cref="MeterBridgeOptions.HistogramBuckets"/>);
/// <c>ObservableCounter&lt;T&gt;</c> → counter (the difference between successive readings);
/// <c>ObservableGauge&lt;T&gt;</c>, <c>ObservableUpDownCounter&lt;T&gt;</c> → gauge (set). Observable instruments are read
/// at each scrape and every <see cref="MeterBridgeOptions.ObservableInterval"/>, and once right after they are published
/// (their metric exists from their first reading on).</item>
/// <item>Names follow <see cref="PrometheusNaming.MetricName"/>; time units are converted to seconds.</item>
/// <item>Tags become labels. An instrument's label set is fixed by its first measurement's tag keys. A later
/// measurement's tag with another key is dropped from that measurement, whose value still counts under the other
/// labels (so totals stay right), and a warning is logged once per instrument and key; a missing tag gets an empty
/// value.</item>
/// <item>An instrument whose name is already taken by a different metric is ignored, with one warning.</item>
/// </list>
/// </remarks>
public sealed class PytheusMeterBridge : IHostedService, IDisposable
{
    private readonly MeterBridgeOptions _options;
    private readonly BridgeCollector _collector;
    private MeterListener? _listener;
    private Timer? _timer;

    /// <summary>Creates the bridge; it listens from <see cref="StartAsync"/>.</summary>
    public PytheusMeterBridge(IOptions<MeterBridgeOptions> options, IServiceProvider services, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        _options = options.Value;
        Registry = _options.Registry ?? services.GetService<CollectorRegistry>() ?? CollectorRegistry.Default;
        Backend = services.GetService<IBackend>();
        Logger = (ILogger?)loggerFactory?.CreateLogger(Log.Category) ?? NullLogger.Instance;
        _collector = new BridgeCollector(this);
    }

    internal CollectorRegistry Registry { get; }

    internal IBackend? Backend { get; }

    internal ILogger Logger { get; }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (Selected(instrument))
                {
                    l.EnableMeasurementEvents(instrument, new MeterInstrumentExporter(instrument, this));
                    if (instrument.IsObservable)
                    {
                        // A metric is created at an instrument's first reading; a scrape that creates it has already
                        // listed the registry's families. Read soon after publication so the first scrape shows it.
                        ThreadPool.QueueUserWorkItem(static bridge => bridge.RecordObservableInstruments(), this, preferLocal: false);
                    }
                }
            },
        };
        listener.SetMeasurementEventCallback<byte>((i, v, t, s) => ((MeterInstrumentExporter)s!).Record(v, t));
        listener.SetMeasurementEventCallback<short>((i, v, t, s) => ((MeterInstrumentExporter)s!).Record(v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, s) => ((MeterInstrumentExporter)s!).Record(v, t));
        listener.SetMeasurementEventCallback<long>((i, v, t, s) => ((MeterInstrumentExporter)s!).Record(v, t));
        listener.SetMeasurementEventCallback<float>((i, v, t, s) => ((MeterInstrumentExporter)s!).Record(v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, s) => ((MeterInstrumentExporter)s!).Record(v, t));
        listener.SetMeasurementEventCallback<decimal>((i, v, t, s) => ((MeterInstrumentExporter)s!).Record((double)v, t));
        _listener = listener;
        listener.Start();
        Registry.Register(_collector);
        RecordObservableInstruments();
        if (_options.ObservableInterval > TimeSpan.Zero)
        {
            _timer = new Timer(_ => RecordObservableInstruments(), null, _options.ObservableInterval, _options.ObservableInterval);
        }
        return Task.CompletedTask;
    }

    /// <summary>Reads the observable instruments now (done at each scrape and every <see cref="MeterBridgeOptions.ObservableInterval"/>).</summary>
    public void RecordObservableInstruments()
    {
        try
        {
            _listener?.RecordObservableInstruments();
        }
        catch (Exception e)
        {
            Log.ObservableReadFailed(Logger, e);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Stops listening and reading observable instruments; exported metrics stay registered.</summary>
    public void Dispose()
    {
        _timer?.Dispose();
        _timer = null;
        Registry.Unregister(_collector);
        _listener?.Dispose();
        _listener = null;
    }

    internal IReadOnlyList<double> BucketsFor(Instrument instrument) =>
        _options.HistogramBucketsByInstrument.TryGetValue(instrument.Name, out var buckets) ? buckets : _options.HistogramBuckets;

    private bool Selected(Instrument instrument)
    {
        if (!MeterInstrumentExporter.IsSupported(instrument))
        {
            return false;
        }
        var meter = instrument.Meter.Name;
        var listed = _options.Meters.Any(pattern => pattern.EndsWith('*')
            ? meter.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : string.Equals(meter, pattern, StringComparison.Ordinal));
        return listed && (_options.InstrumentFilter?.Invoke(instrument) ?? true);
    }

    /// <summary>Reads the observable instruments when the registry is scraped; exposes nothing itself.</summary>
    private sealed class BridgeCollector(PytheusMeterBridge bridge) : CustomCollector
    {
        private static int _instances;

        // Unique per bridge: a registry knows collectors by name, and tests may run several hosts in one process.
        public override string Name { get; } = "pytheus_meter_bridge_" + Interlocked.Increment(ref _instances);

        public override IEnumerable<Metric> CollectMetrics()
        {
            bridge.RecordObservableInstruments();
            return [];
        }
    }
}
