using System.Reflection;
using System.Reflection.Emit;
using Prometheus;

namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>
/// Records an exemplar given to a redirected write exactly as prometheus-net does (in the child's own exemplar storage,
/// which the bridge does not expose), so that prometheus-net's checks throw as they would unpatched: an instance used
/// twice, duplicate keys, more than 128 runes, and the minimum interval between recorded exemplars.
/// </summary>
internal sealed class ExemplarValidation
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    private readonly Func<Exemplar, int> _length;
    private readonly Action<Counter.Child, Exemplar, double> _counter;
    private readonly Action<Histogram.Child, Exemplar, double> _histogram;

    /// <param name="missing">Builds the exception for a prometheus-net member that is not there.</param>
    public ExemplarValidation(Func<string, Exception> missing)
    {
        _length = (typeof(Exemplar).GetProperty("Length", Instance)?.GetMethod ?? throw missing("Exemplar.Length")).CreateDelegate<Func<Exemplar, int>>();
        var record = typeof(ChildBase).GetMethod("RecordExemplar", Instance) ?? throw missing("ChildBase.RecordExemplar");
        var counterStorage = typeof(Counter.Child).GetField("_observedExemplar", Instance) ?? throw missing("Counter.Child._observedExemplar");
        var histogramStorage = typeof(Histogram.Child).GetField("_exemplars", Instance) ?? throw missing("Histogram.Child._exemplars");
        var bucketIndex = typeof(Histogram.Child).GetMethod("GetBucketIndex", Instance, [typeof(double)]) ?? throw missing("Histogram.Child.GetBucketIndex");

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

    /// <summary>As prometheus-net's <c>Counter.Child.Inc</c> does with an explicit exemplar (none given: nothing to check).</summary>
    public void Counter(Counter.Child child, Exemplar exemplar, double increment)
    {
        if (_length(exemplar) > 0)
        {
            _counter(child, exemplar, increment);
        }
    }

    /// <summary>As prometheus-net's <c>Histogram.Child.ObserveInternal</c> does with an explicit exemplar.</summary>
    public void Histogram(Histogram.Child child, Exemplar exemplar, double value)
    {
        if (_length(exemplar) > 0)
        {
            _histogram(child, exemplar, value);
        }
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
