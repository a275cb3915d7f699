using System.Reflection;
using System.Reflection.Emit;
using Prometheus;

namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>
/// Records an exemplar given to a redirected write (or its default one) exactly as prometheus-net does, in the child's
/// own exemplar storage, so that prometheus-net's checks throw as they would unpatched: an instance used twice,
/// duplicate keys, more than 128 runes, and the minimum interval between recorded exemplars. What prometheus-net
/// recorded is handed back as a Pytheus exemplar, which the bound series stores in the backend and exposes.
/// </summary>
internal sealed class ExemplarValidation
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    private readonly Func<Exemplar, int> _length;
    private readonly Action<Counter.Child, Exemplar, double> _counter;
    private readonly Action<Histogram.Child, Exemplar, double> _histogram;
    private readonly Func<ChildBase, double, Exemplar?> _default;
    private readonly Func<Counter.Child, double, object?> _counterStored;
    private readonly Func<Histogram.Child, double, object?> _histogramStored;
    private readonly PropertyInfo _storedLabels;
    private readonly FieldInfo[] _labelPairs;
    private readonly PropertyInfo _pairKey;
    private readonly PropertyInfo _pairValue;

    /// <param name="missing">Builds the exception for a prometheus-net member that is not there.</param>
    public ExemplarValidation(Func<string, Exception> missing)
    {
        _length = (typeof(Exemplar).GetProperty("Length", Instance)?.GetMethod ?? throw missing("Exemplar.Length")).CreateDelegate<Func<Exemplar, int>>();
        var record = typeof(ChildBase).GetMethod("RecordExemplar", Instance) ?? throw missing("ChildBase.RecordExemplar");
        var counterStorage = typeof(Counter.Child).GetField("_observedExemplar", Instance) ?? throw missing("Counter.Child._observedExemplar");
        var histogramStorage = typeof(Histogram.Child).GetField("_exemplars", Instance) ?? throw missing("Histogram.Child._exemplars");
        var bucketIndex = typeof(Histogram.Child).GetMethod("GetBucketIndex", Instance, [typeof(double)]) ?? throw missing("Histogram.Child.GetBucketIndex");

        var defaultExemplar = typeof(ChildBase).GetMethod("GetDefaultExemplar", Instance, [typeof(double)]) ?? throw missing("ChildBase.GetDefaultExemplar");
        var observed = counterStorage.FieldType;
        _storedLabels = observed.GetProperty("Labels", Instance) ?? throw missing("ObservedExemplar.Labels");
        var pairType = typeof(Exemplar).GetNestedType("LabelPair", BindingFlags.Public | BindingFlags.NonPublic) ?? throw missing("Exemplar.LabelPair");
        _labelPairs = [.. Enumerable.Range(1, 6).Select(i => typeof(Exemplar).GetField("LabelPair" + i, Instance) ?? throw missing("Exemplar.LabelPair" + i))];
        _pairKey = pairType.GetProperty("KeyBytes", Instance) ?? throw missing("Exemplar.LabelPair.KeyBytes");
        _pairValue = pairType.GetProperty("Value", Instance) ?? throw missing("Exemplar.LabelPair.Value");

        _default = (Func<ChildBase, double, Exemplar?>)EmitGetter(typeof(ChildBase), typeof(Exemplar), il =>
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Call, defaultExemplar);
        }).CreateDelegate(typeof(Func<ChildBase, double, Exemplar?>));
        _counterStored = (Func<Counter.Child, double, object?>)EmitGetter(typeof(Counter.Child), typeof(object), il =>
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, counterStorage);
        }).CreateDelegate(typeof(Func<Counter.Child, double, object?>));
        _histogramStored = (Func<Histogram.Child, double, object?>)EmitGetter(typeof(Histogram.Child), typeof(object), il =>
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, histogramStorage);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Call, bucketIndex);
            il.Emit(OpCodes.Ldelem_Ref);
        }).CreateDelegate(typeof(Func<Histogram.Child, double, object?>));

        _counter = Emit<Counter.Child>("RecordCounterExemplar", il =>
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldflda, counterStorage);
        }, record);
        _histogram = Emit<Histogram.Child>("RecordHistogramExemplar", il =>
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, histogramStorage);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldarg_2);
            il.Emit(OpCodes.Call, bucketIndex);
            il.Emit(OpCodes.Ldelema, histogramStorage.FieldType.GetElementType()!);
        }, record);
    }

    /// <summary>
    /// As prometheus-net's <c>Counter.Child.Inc</c> does with an exemplar — the one given, or else its default provider's
    /// (the current trace) — and returns it as a Pytheus exemplar when prometheus-net recorded it (it may skip it: minimum
    /// interval between exemplars), so that the bound series keeps it too.
    /// </summary>
    public Pytheus.Metrics.Exemplar? Counter(Counter.Child child, Exemplar? exemplar, double increment)
    {
        exemplar ??= _default(child, increment);
        if (exemplar is null || _length(exemplar) == 0)
        {
            return null;
        }
        _counter(child, exemplar, increment);
        return Recorded(_counterStored(child, increment), exemplar);
    }

    /// <summary>As prometheus-net's <c>Histogram.Child.ObserveInternal</c> does with an exemplar (see <see cref="Counter"/>).</summary>
    public Pytheus.Metrics.Exemplar? Histogram(Histogram.Child child, Exemplar? exemplar, double value)
    {
        exemplar ??= _default(child, value);
        if (exemplar is null || _length(exemplar) == 0)
        {
            return null;
        }
        _histogram(child, exemplar, value);
        return Recorded(_histogramStored(child, value), exemplar);
    }

    /// <summary>The exemplar's labels when prometheus-net stored this very instance (it owns it from now on).</summary>
    private Pytheus.Metrics.Exemplar? Recorded(object? stored, Exemplar exemplar)
    {
        if (stored is null || !ReferenceEquals(_storedLabels.GetValue(stored), exemplar))
        {
            return null;
        }
        var labels = new KeyValuePair<string, string>[_length(exemplar)];
        for (var i = 0; i < labels.Length; i++)
        {
            var pair = _labelPairs[i].GetValue(exemplar)!;
            labels[i] = new(System.Text.Encoding.UTF8.GetString((byte[])_pairKey.GetValue(pair)!), (string)_pairValue.GetValue(pair)!);
        }
        return Pytheus.Metrics.Exemplar.Trusted(labels);
    }

    private static DynamicMethod EmitGetter(Type owner, Type result, Action<ILGenerator> body)
    {
        var method = new DynamicMethod("Read" + owner.Name, result, [owner, typeof(double)], typeof(ChildBase).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        body(il);
        il.Emit(OpCodes.Ret);
        return method;
    }

    // (child, exemplar, value) => child.RecordExemplar(exemplar, ref <storage>, value)
    private static Action<TChild, Exemplar, double> Emit<TChild>(string name, Action<ILGenerator> loadStorage, MethodInfo record)
    {
        var method = new DynamicMethod(name, typeof(void), [typeof(TChild), typeof(Exemplar), typeof(double)], typeof(ChildBase).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldarg_1);
        loadStorage(il);
        il.Emit(OpCodes.Ldarg_2);
        il.Emit(OpCodes.Call, record);
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<Action<TChild, Exemplar, double>>();
    }
}
