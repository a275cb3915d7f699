using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using Prometheus;

namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>
/// The prometheus-net 8.2.1 internals the bridge reads: a child's parent and labels, a registry's collectors, a
/// collector's children and the fields where prometheus-net would have stored values. Everything is resolved once and
/// checked up front, so an unexpected prometheus-net build fails <c>PatchClient()</c> with a clear message instead of
/// failing later on the hot path.
/// </summary>
internal sealed class PrometheusNetInternals
{
    private const BindingFlags Any = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;

    private readonly FieldInfo _parent;
    private readonly PropertyInfo _flattenedLabels;
    private readonly FieldInfo _labelSequenceValues;
    private readonly MethodInfo _stringSequenceToArray;
    private readonly FieldInfo _flattenedLabelNames;
    private readonly FieldInfo _staticLabels;
    private readonly Func<ChildBase, bool> _publish;
    private readonly PropertyInfo _instanceLabels;
    private readonly FieldInfo _families;
    private readonly FieldInfo _familiesLock;
    private readonly FieldInfo _familyCollectors;
    private readonly FieldInfo _familyLock;
    private readonly FieldInfo _histogramBuckets;
    private readonly FieldInfo _summaryObjectives;
    private readonly FieldInfo _summaryMaxAge;
    private readonly FieldInfo _summaryAgeBuckets;
    private readonly FieldInfo _firstCollectLock;
    private readonly FieldInfo _hasPerformedFirstCollect;
    private readonly FieldInfo _beforeFirstCollectCallback;
    private readonly MethodInfo _runBeforeCollectCallbacks;
    private readonly MethodInfo? _updateRegistryMetrics;
    private readonly FieldInfo _serializerStream;
    private readonly FieldInfo _serializerFormat;
    private readonly MethodInfo _serializerFlush;
    private readonly Dictionary<Type, (FieldInfo Children, FieldInfo Lock, FieldInfo Unlabelled, PropertyInfo CreateUnlabelled, FieldInfo Suppress)> _collectorFields = [];

    public PrometheusNetInternals()
    {
        var assembly = typeof(Counter).Assembly;
        Version = assembly.GetCustomAttribute<AssemblyFileVersionAttribute>()?.Version ?? assembly.GetName().Version?.ToString() ?? "unknown";
        _parent = Field(typeof(ChildBase), "Parent");
        _flattenedLabels = typeof(ChildBase).GetProperty("FlattenedLabels", Any) ?? throw Missing("ChildBase.FlattenedLabels");
        _labelSequenceValues = Field(_flattenedLabels.PropertyType, "Values");
        _stringSequenceToArray = _labelSequenceValues.FieldType.GetMethod("ToArray", Any, Type.EmptyTypes) ?? throw Missing("StringSequence.ToArray");
        _flattenedLabelNames = Field(typeof(Collector), "FlattenedLabelNames");
        _staticLabels = Field(typeof(Collector), "StaticLabels");
        _publish = FieldReader<ChildBase, bool>(Field(typeof(ChildBase), "_publish"));
        _instanceLabels = typeof(ChildBase).GetProperty("InstanceLabels", Any) ?? throw Missing("ChildBase.InstanceLabels");
        _families = Field(typeof(CollectorRegistry), "_families");
        _familiesLock = Field(typeof(CollectorRegistry), "_familiesLock");
        var familyType = assembly.GetType("Prometheus.CollectorFamily") ?? throw Missing("CollectorFamily");
        _familyCollectors = Field(familyType, "_collectors");
        _familyLock = Field(familyType, "_lock");
        _histogramBuckets = Field(typeof(Histogram), "_buckets");
        _summaryObjectives = Field(typeof(Summary), "_objectives");
        _summaryMaxAge = Field(typeof(Summary), "_maxAge");
        _summaryAgeBuckets = Field(typeof(Summary), "_ageBuckets");
        _firstCollectLock = Field(typeof(CollectorRegistry), "_firstCollectLock");
        _hasPerformedFirstCollect = Field(typeof(CollectorRegistry), "_hasPerformedFirstCollect");
        _beforeFirstCollectCallback = Field(typeof(CollectorRegistry), "_beforeFirstCollectCallback");
        _runBeforeCollectCallbacks = typeof(CollectorRegistry).GetMethod("RunBeforeCollectCallbacksAsync", Any) ?? throw Missing("CollectorRegistry.RunBeforeCollectCallbacksAsync");
        _updateRegistryMetrics = typeof(CollectorRegistry).GetMethod("UpdateRegistryMetrics", Any, Type.EmptyTypes);
        var serializer = assembly.GetType("Prometheus.TextSerializer") ?? throw Missing("TextSerializer");
        _serializerStream = Field(serializer, "_stream");
        _serializerFormat = Field(serializer, "_expositionFormat");
        _serializerFlush = serializer.GetMethod("FlushAsync", Any, [typeof(CancellationToken)]) ?? throw Missing("TextSerializer.FlushAsync");
        CollectAndSerialize = typeof(CollectorRegistry).GetMethod("CollectAndSerializeAsync", Any) ?? throw Missing("CollectorRegistry.CollectAndSerializeAsync");

        CounterValue = LongFieldRefs.Create(typeof(Counter.Child), Field(typeof(Counter.Child), "_value"), Field(Field(typeof(Counter.Child), "_value").FieldType, "_value"));
        GaugeValue = LongFieldRefs.Create(typeof(Gauge.Child), Field(typeof(Gauge.Child), "_value"), Field(Field(typeof(Gauge.Child), "_value").FieldType, "_value"));
        var histogramSum = Field(typeof(Histogram.Child), "_sum");
        HistogramSum = LongFieldRefs.Create(typeof(Histogram.Child), histogramSum, Field(histogramSum.FieldType, "_value"));
        var bucketCounts = Field(typeof(Histogram.Child), "_bucketCounts");
        HistogramBucket = LongFieldRefs.Create(typeof(Histogram.Child), bucketCounts, Field(bucketCounts.FieldType.GetElementType()!, "_value"));
        HistogramBucketCount = child => ((Array)bucketCounts.GetValue(child)!).Length;
        SummaryCount = LongFieldRefs.Create(typeof(Summary.Child), Field(typeof(Summary.Child), "_count"));
        SummarySumBits = LongFieldRefs.Create(typeof(Summary.Child), Field(typeof(Summary.Child), "_sum"));
        SummaryLock = Field(typeof(Summary.Child), "_lock");

        Exemplars = new ExemplarValidation(Missing);

        foreach (var type in new[] { typeof(Counter), typeof(Gauge), typeof(Histogram), typeof(Summary) })
        {
            var generic = type.BaseType!;
            _collectorFields[type] = (Field(generic, "_children"), Field(generic, "_childrenLock"), Field(generic, "_lazyUnlabelled"),
                generic.GetProperty("Unlabelled", BindingFlags.Instance | BindingFlags.NonPublic) ?? throw Missing($"{type.Name}.Unlabelled"),
                Field(generic, "_suppressInitialValue"));
        }
    }

    /// <summary>prometheus-net's file version.</summary>
    public string Version { get; }

    /// <summary><c>CollectorRegistry.CollectAndSerializeAsync(IMetricsSerializer, CancellationToken)</c>, where every exporter ends.</summary>
    public MethodInfo CollectAndSerialize { get; }

    /// <summary>prometheus-net's own recording of explicit exemplars, for its checks.</summary>
    public ExemplarValidation Exemplars { get; }

    public LongFieldRef CounterValue { get; }

    public LongFieldRef GaugeValue { get; }

    public LongFieldRef HistogramSum { get; }

    public LongFieldRef HistogramBucket { get; }

    public Func<object, int> HistogramBucketCount { get; }

    /// <summary>Summary children keep plain fields guarded by this lock (double bits reinterpreted).</summary>
    public LongFieldRef SummaryCount { get; }

    public LongFieldRef SummarySumBits { get; }

    public FieldInfo SummaryLock { get; }

    public Collector ParentOf(ChildBase child) => (Collector)_parent.GetValue(child)!;

    public string[] LabelNamesOf(Collector collector) => ToArray(_flattenedLabelNames.GetValue(collector)!);

    /// <summary>The values of a collector's static labels (metric, factory and registry ones), which follow the instance labels.</summary>
    public string[] StaticLabelValuesOf(Collector collector) => ToArray(_labelSequenceValues.GetValue(_staticLabels.GetValue(collector))!);

    public string[] LabelValuesOf(ChildBase child) => ToArray(_labelSequenceValues.GetValue(_flattenedLabels.GetValue(child))!);

    /// <summary>How many of a child's label values are instance labels (the rest are static labels).</summary>
    public int InstanceLabelCountOf(ChildBase child) => ToArray(_labelSequenceValues.GetValue(_instanceLabels.GetValue(child))!).Length;

    /// <summary>Whether prometheus-net still holds this child (it was not removed, disposed or expired).</summary>
    public bool IsCurrent(ChildBase child)
    {
        var collector = ParentOf(child);
        var fields = _collectorFields[collector.GetType()];
        var key = _instanceLabels.GetValue(child)!;
        return ReadLocked((ReaderWriterLockSlim)fields.Lock.GetValue(collector)!,
            () => ReferenceEquals(((IDictionary)fields.Children.GetValue(collector)!)[key], child));
    }

    /// <summary>
    /// Creates the unlabelled child of a collector without instance labels if it does not exist, as prometheus-net does
    /// before collecting it (published unless the metric suppresses its initial value).
    /// </summary>
    /// <summary>Whether the metric was created with <c>SuppressInitialValue</c> (its children stay hidden until first written).</summary>
    public bool SuppressesInitialValue(Collector collector) => (bool)_collectorFields[collector.GetType()].Suppress.GetValue(collector)!;

    public void EnsureUnlabelled(Collector collector) => _collectorFields[collector.GetType()].CreateUnlabelled.GetValue(collector);

    /// <summary>Whether prometheus-net exports the child: read on every export and harvest for every child, so compiled.</summary>
    public bool IsPublished(ChildBase child) => _publish(child);

    public double[] BucketsOf(Histogram histogram) => (double[])_histogramBuckets.GetValue(histogram)!;

    /// <summary>A summary's quantile objectives (their epsilons are not used: see docs/patchclient.md), max age and age buckets.</summary>
    public (double[] Objectives, TimeSpan MaxAge, int AgeBuckets) QuantilesOf(Summary summary) => (
        ((IReadOnlyList<QuantileEpsilonPair>)_summaryObjectives.GetValue(summary)!).Select(o => o.Quantile).ToArray(),
        (TimeSpan)_summaryMaxAge.GetValue(summary)!,
        (int)_summaryAgeBuckets.GetValue(summary)!);

    /// <summary>
    /// Every family of a registry (one name each) with its collectors in prometheus-net's order — several when the name
    /// was created with different label names or static labels — read under prometheus-net's own locks.
    /// </summary>
    public List<List<Collector>> FamiliesOf(CollectorRegistry registry)
    {
        var families = ReadLocked((ReaderWriterLockSlim)_familiesLock.GetValue(registry)!,
            () => ((IDictionary)_families.GetValue(registry)!).Values.Cast<object>().ToList());
        return families
            .Select(family => ReadLocked((ReaderWriterLockSlim)_familyLock.GetValue(family)!,
                () => ((IDictionary)_familyCollectors.GetValue(family)!).Values.Cast<Collector>().ToList()))
            .Where(collectors => collectors.Count > 0)
            .ToList();
    }

    /// <summary>A collector's children (the unlabelled one is among them when it exists).</summary>
    public List<ChildBase> ChildrenOf(Collector collector)
    {
        var fields = _collectorFields[collector.GetType()];
        var children = ReadLocked((ReaderWriterLockSlim)fields.Lock.GetValue(collector)!,
            () => ((IDictionary)fields.Children.GetValue(collector)!).Values.Cast<ChildBase>().ToList());
        if (fields.Unlabelled.GetValue(collector) is ChildBase unlabelled && !children.Contains(unlabelled))
        {
            children.Add(unlabelled);
        }
        return children;
    }

    /// <summary>Runs the before-first-collect and before-collect callbacks, as prometheus-net does before a collection.</summary>
    public async Task RunBeforeCollectAsync(CollectorRegistry registry, CancellationToken cancel)
    {
        lock (_firstCollectLock.GetValue(registry)!)
        {
            if (!(bool)_hasPerformedFirstCollect.GetValue(registry)!)
            {
                _hasPerformedFirstCollect.SetValue(registry, true);
                (_beforeFirstCollectCallback.GetValue(registry) as Action)?.Invoke();
            }
        }
        await ((Task)_runBeforeCollectCallbacks.Invoke(registry, [cancel])!).ConfigureAwait(false);
        _updateRegistryMetrics?.Invoke(registry, null);
    }

    /// <summary>
    /// The stream of prometheus-net's serializer (its endpoint sets the content type and status when the stream is first
    /// touched) and the format prometheus-net negotiated.
    /// </summary>
    public (Lazy<Stream> Stream, ExpositionFormat Format) SerializerTarget(object serializer) =>
        ((Lazy<Stream>)_serializerStream.GetValue(serializer)!, (ExpositionFormat)_serializerFormat.GetValue(serializer)!);

    public Task FlushSerializerAsync(object serializer, CancellationToken cancel) =>
        (Task)_serializerFlush.Invoke(serializer, [cancel])!;

    private static Func<TOwner, TField> FieldReader<TOwner, TField>(FieldInfo field)
    {
        var owner = Expression.Parameter(typeof(TOwner));
        return Expression.Lambda<Func<TOwner, TField>>(Expression.Field(owner, field), owner).Compile();
    }

    private string[] ToArray(object stringSequence) => (string[])_stringSequenceToArray.Invoke(stringSequence, null)!;

    private static T ReadLocked<T>(ReaderWriterLockSlim gate, Func<T> read)
    {
        gate.EnterReadLock();
        try
        {
            return read();
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    private FieldInfo Field(Type type, string name) =>
        type.GetField(name, Any) ?? throw Missing($"{type.Name}.{name}");

    private NotSupportedException Missing(string member) => new(
        $"prometheus-net {Version} lacks '{member}', which PatchClient() relies on; this Pytheus build supports prometheus-net 8.2.1.");
}
