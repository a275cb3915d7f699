using System.Runtime.CompilerServices;
using Pytheus.Backends;
using Pytheus.Registry;

namespace Pytheus.Metrics;

/// <summary>A value that only goes up: requests served, errors, bytes sent.</summary>
public sealed class Counter : Metric<Counter>
{
    private IValueStore? _value;

    /// <summary>Creates a counter and registers it (in <see cref="CollectorRegistry.Default"/> unless told otherwise).</summary>
    /// <param name="name">The metric name, <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</param>
    /// <param name="description">The help text.</param>
    /// <param name="requiredLabels">Label names every series must have a value for.</param>
    /// <param name="defaultLabels">Values used for required labels not given in <see cref="Metric{TSelf}.Labels(IReadOnlyDictionary{string, string})"/>.</param>
    /// <param name="registry">Where to register; null means <see cref="CollectorRegistry.Default"/>, <see cref="CollectorRegistry.None"/> means nowhere.</param>
    /// <param name="backend">Where the values live; null means <see cref="Backends.Backend.Current"/>.</param>
    /// <param name="seriesLimit">The most label sets kept; past it new label sets write to one overflow series whose labels are all <see cref="MetricFamily.OverflowLabelValue"/> (see <see cref="MetricFamily.SeriesLimit"/>).</param>
    public Counter(
        string name, string description, IEnumerable<string>? requiredLabels = null,
        IReadOnlyDictionary<string, string>? defaultLabels = null, CollectorRegistry? registry = null, IBackend? backend = null,
        int seriesLimit = MetricFamily.DefaultSeriesLimit)
        : base(MetricType.Counter, name, description, requiredLabels, defaultLabels, null, registry, null, backend, seriesLimit)
    {
    }

    private Counter(MetricFamily family, string?[] explicitLabelValues) : base(family, explicitLabelValues)
    {
    }

    /// <summary>Adds <paramref name="amount"/> (default 1).</summary>
    /// <exception cref="InvalidMetricValueException">The amount is negative or NaN.</exception>
    /// <exception cref="UnobservableMetricException">Some required label has no value.</exception>
    public void Inc(double amount = 1)
    {
        var value = _value;
        if (value is null)
        {
            throw Unobservable();
        }
        if (!(amount >= 0))
        {
            ThrowBadAmount(amount);
        }
        value.Inc(amount);
    }

    /// <summary>
    /// Adds <paramref name="amount"/> and records <paramref name="exemplar"/> as the series' latest exemplar (exposed in
    /// OpenMetrics and protobuf; on a shared backend the latest of all processes).
    /// </summary>
    /// <exception cref="InvalidMetricValueException">The amount is negative or NaN; nothing is recorded.</exception>
    /// <exception cref="UnobservableMetricException">Some required label has no value.</exception>
    public void Inc(double amount, Exemplar exemplar)
    {
        ArgumentNullException.ThrowIfNull(exemplar);
        Inc(amount);
        (_value as IExemplarStore)?.RecordExemplar(new ExemplarSample(exemplar, amount, ExemplarTimestamp()));
    }

    internal override ExemplarSample? ExemplarAt(int slot) => (_value as IExemplarStore)?.Exemplar;

    /// <summary>The current value as this process sees it.</summary>
    public double Get() => (_value ?? throw Unobservable()).Get();

    /// <summary>Runs <paramref name="action"/> and counts one when it throws an exception <paramref name="filter"/> accepts (all when null); the exception is rethrown unchanged.</summary>
    public void CountExceptions(Action action, Func<Exception, bool>? filter = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        EnsureObservable();
        try
        {
            action();
        }
        catch (Exception e) when (Counts(e, filter))
        {
            throw;
        }
    }

    /// <summary>Runs <paramref name="action"/> and counts exceptions of type <typeparamref name="TException"/>.</summary>
    /// <remarks>
    /// Preferred over <see cref="CountExceptions{T}(Func{T}, Func{Exception, bool}?)"/>: a lambda that only throws,
    /// such as <c>CountExceptions&lt;IOException&gt;(() =&gt; throw e)</c>, also converts to <c>Func&lt;IOException&gt;</c>,
    /// which would silently count every exception type.
    /// </remarks>
    [OverloadResolutionPriority(1)]
    public void CountExceptions<TException>(Action action) where TException : Exception =>
        CountExceptions(action, static e => e is TException);

    /// <summary>Runs <paramref name="func"/> and counts the exceptions <paramref name="filter"/> accepts (all when null).</summary>
    public T CountExceptions<T>(Func<T> func, Func<Exception, bool>? filter = null)
    {
        ArgumentNullException.ThrowIfNull(func);
        EnsureObservable();
        try
        {
            return func();
        }
        catch (Exception e) when (Counts(e, filter))
        {
            throw;
        }
    }

    /// <summary>Awaits <paramref name="func"/> and counts the exceptions <paramref name="filter"/> accepts (all when null).</summary>
    public async Task CountExceptionsAsync(Func<Task> func, Func<Exception, bool>? filter = null)
    {
        ArgumentNullException.ThrowIfNull(func);
        EnsureObservable();
        try
        {
            await func().ConfigureAwait(false);
        }
        catch (Exception e) when (Counts(e, filter))
        {
            throw;
        }
    }

    /// <summary>Awaits <paramref name="func"/> and counts the exceptions <paramref name="filter"/> accepts (all when null).</summary>
    public async Task<T> CountExceptionsAsync<T>(Func<Task<T>> func, Func<Exception, bool>? filter = null)
    {
        ArgumentNullException.ThrowIfNull(func);
        EnsureObservable();
        try
        {
            return await func().ConfigureAwait(false);
        }
        catch (Exception e) when (Counts(e, filter))
        {
            throw;
        }
    }

    /// <summary>A filter accepting exceptions of any of <paramref name="exceptionTypes"/> (and their subtypes).</summary>
    public static Func<Exception, bool> ExceptionsOf(params Type[] exceptionTypes) =>
        e => exceptionTypes.Any(t => t.IsInstanceOfType(e));

    // An exception filter that counts and returns false never catches: the stack is not unwound and the exception
    // continues unchanged, so it is counted exactly once here.
    private bool Counts(Exception e, Func<Exception, bool>? filter)
    {
        if (filter is null || filter(e))
        {
            _value!.Inc(1);
        }
        return false;
    }

    private void EnsureObservable()
    {
        if (_value is null)
        {
            throw Unobservable();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowBadAmount(double amount) => throw new InvalidMetricValueException(
        $"Counter '{Name}' can only increase: increment {Exposition.PrometheusFloat.Format(amount)} is {(double.IsNaN(amount) ? "NaN" : "negative")}.", nameof(amount));

    private protected override Counter CreateView(string?[] explicitLabelValues) => new(Family, explicitLabelValues);

    private protected override void CreateStores(Func<int, IValueStore> create) => _value = create(0);

    private protected override void ShareStores(Metric owner) => _value = ((Counter)owner)._value;

    internal override void ReadValues(Span<double> values) => values[0] = _value!.Get();
}
