using Pytheus.Backends;
using Pytheus.Labels;
using Pytheus.Registry;

namespace Pytheus.Metrics;

/// <summary>
/// Base of <see cref="Counter"/>, <see cref="Gauge"/>, <see cref="Histogram"/> and <see cref="Summary"/>: a view onto
/// a <see cref="MetricFamily"/> with some label values. A view is observable when every required label has a value,
/// given explicitly or by default; only then does it have stores.
/// </summary>
public abstract class Metric
{
    private protected Metric(
        MetricType type, string name, string description, IEnumerable<string>? requiredLabels,
        IEnumerable<KeyValuePair<string, string>>? defaultLabels, IEnumerable<double>? buckets, CollectorRegistry? registry,
        string? reservedLabel, IBackend? backend, int seriesLimit, GaugeMode gaugeMode = GaugeMode.Shared,
        NativeHistogramOptions? nativeHistogram = null, Quantiles.QuantileSettings? quantiles = null)
    {
        if (!NameRules.IsValidMetricName(name))
        {
            throw new InvalidMetricNameException($"Invalid metric name '{name}': it must match [a-zA-Z_:][a-zA-Z0-9_:]*.", nameof(name));
        }
        ArgumentNullException.ThrowIfNull(description);
        if (seriesLimit < 1)
        {
            throw new InvalidMetricValueException($"Metric '{name}': series limit {seriesLimit} must be at least 1.");
        }
        if (!Enum.IsDefined(gaugeMode))
        {
            throw new InvalidMetricValueException($"Metric '{name}': gauge mode {(int)gaugeMode} is not a {nameof(GaugeMode)}.");
        }
        var schema = LabelSchema.Create(name, requiredLabels, defaultLabels, reservedLabel, type.ToString().ToLowerInvariant());
        nativeHistogram?.Validate(name);
        // A native histogram without classic bounds keeps only the +Inf bucket: text formats still show count and sum.
        var bounds = type != MetricType.Histogram ? []
            : nativeHistogram is not null && buckets is null ? [double.PositiveInfinity]
            : Buckets.Normalize(name, buckets);
        var candidate = new MetricFamily(name, description, type, schema, bounds, backend ?? Backend.Current, gaugeMode, seriesLimit, nativeHistogram, quantiles);

        var target = registry ?? CollectorRegistry.Default;
        Family = target.GetOrAdd(candidate);
        ExplicitLabelValues = new string?[schema.Names.Length];
        try
        {
            AttachSeries();
        }
        catch when (ReferenceEquals(Family, candidate))
        {
            target.Unregister(candidate);
            throw;
        }
    }

    private protected Metric(MetricFamily family, string?[] explicitLabelValues)
    {
        Family = family;
        ExplicitLabelValues = explicitLabelValues;
    }

    /// <summary>The family this view belongs to.</summary>
    public MetricFamily Family { get; }

    /// <summary>The metric name.</summary>
    public string Name => Family.Name;

    /// <summary>The help text.</summary>
    public string Description => Family.Help;

    /// <summary>The metric type.</summary>
    public MetricType Type => Family.Type;

    /// <summary>The required label names.</summary>
    public IReadOnlyList<string> RequiredLabels => Family.LabelNames;

    /// <summary>The labels this view carries, explicit or default, by name.</summary>
    public IReadOnlyDictionary<string, string> LabelValues =>
        Family.LabelNames.Select((n, i) => (n, v: ExplicitLabelValues[i] ?? Family.Labels.Defaults[i]))
            .Where(p => p.v is not null).ToDictionary(p => p.n, p => p.v!, StringComparer.Ordinal);

    /// <summary>
    /// The most label sets this metric keeps (see <see cref="MetricFamily.SeriesLimit"/>); past it, new label sets
    /// write to one overflow series.
    /// </summary>
    public int SeriesLimit => Family.SeriesLimit;

    /// <summary>Whether every required label has a value, so that the view can be observed.</summary>
    public bool IsObservable => SeriesLabelValues is not null;

    /// <summary>The labels still missing a value (empty when observable).</summary>
    public IReadOnlyList<string> MissingLabels => Family.Labels.Missing(ExplicitLabelValues).ToArray();

    internal string?[] ExplicitLabelValues { get; }

    /// <summary>The full label values of the series this view writes to; null while labels are missing.</summary>
    internal string[]? SeriesLabelValues { get; private set; }

    /// <summary>
    /// The series' labels as the text format writes them, UTF-8, without the closing brace (<c>{a="x",b="y"</c>),
    /// or empty without labels; rendered on the first scrape and kept, since a series' labels never change.
    /// </summary>
    internal byte[] ExpositionLabels => _expositionLabels ??= LabelText.Render(Family.ExpositionLabelNames, ExpositionLabelValues);

    /// <summary>
    /// The series' label values as exposed from this process: with the writer's id where the gauge mode adds it (made on
    /// the first scrape and kept, like <see cref="ExpositionLabels"/>, so that a scrape allocates nothing per series).
    /// </summary>
    internal string[] ExpositionLabelValues =>
        _expositionLabelValues ??= Family.GaugeMode.HasWriterLabel() ? [.. SeriesLabelValues!, WriterIdentity.Current] : SeriesLabelValues!;

    private byte[]? _expositionLabels;
    private string[]? _expositionLabelValues;

    /// <summary>Creates the stores of a new series from the family's backend.</summary>
    private protected abstract void CreateStores(Func<int, IValueStore> create);

    /// <summary>
    /// Gives a new series what it needs to create stores later (a histogram's native buckets, created as observations
    /// reach them); most metrics create every store up front and ignore it.
    /// </summary>
    private protected virtual void CreateLateStores(Func<NativeBucket, IValueStore> create)
    {
    }

    /// <summary>Shares the stores of the cached child that owns the series.</summary>
    private protected abstract void ShareStores(Metric owner);

    /// <summary>Copies the series' values into <paramref name="values"/> (in the family's value layout).</summary>
    internal abstract void ReadValues(Span<double> values);

    /// <summary>The latest exemplar of a slot of the series' value layout (counters and histogram buckets), or null.</summary>
    internal virtual ExemplarSample? ExemplarAt(int slot) => null;

    /// <summary>Now, as an exemplar's timestamp: Unix seconds.</summary>
    private protected double ExemplarTimestamp() => Family.Clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>
    /// Binds this view to its series when its labels are complete, and returns the series' owner: this view, the child
    /// created earlier for the same labels, or the overflow child when the family is at its series limit.
    /// </summary>
    private protected Metric? AttachSeries()
    {
        var values = Family.Labels.Effective(ExplicitLabelValues);
        if (values is null)
        {
            return null;
        }
        var owner = Family.GetOrAddChild(values, v =>
        {
            CreateStores(index => Family.Backend.CreateStore(new ValueDescriptor(Family.Definition, v, index)));
            CreateLateStores(bucket => Family.Backend.CreateStore(new ValueDescriptor(Family.Definition, v, -1) { NativeBucket = bucket }));
            SeriesLabelValues = v;
            return this;
        });
        if (!ReferenceEquals(owner, this))
        {
            ShareStores(owner);
            SeriesLabelValues = owner.SeriesLabelValues;
        }
        return owner;
    }

    private protected UnobservableMetricException Unobservable() => new(
        $"Metric '{Name}' cannot be observed: label(s) {LabelSchema.Describe(MissingLabels)} have no value. Use Labels(...) to give them.");

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name}({Name})";
}
