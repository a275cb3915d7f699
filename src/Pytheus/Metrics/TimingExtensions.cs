namespace Pytheus.Metrics;

/// <summary>
/// Delegate forms of <c>Time()</c> — the .NET shape of pytheus's timing decorators — for gauges, histograms and
/// summaries. The duration is recorded also when the delegate throws.
/// </summary>
public static class TimingExtensions
{
    /// <summary>Runs <paramref name="action"/> and records its duration.</summary>
    public static void Time(this IDurationObserver metric, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        using var timer = Start(metric);
        action();
    }

    /// <summary>Runs <paramref name="func"/>, records its duration and returns its result.</summary>
    public static T Time<T>(this IDurationObserver metric, Func<T> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using var timer = Start(metric);
        return func();
    }

    /// <summary>Awaits <paramref name="func"/> and records its duration.</summary>
    public static async Task TimeAsync(this IDurationObserver metric, Func<Task> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using var timer = Start(metric);
        await func().ConfigureAwait(false);
    }

    /// <summary>Awaits <paramref name="func"/>, records its duration and returns its result.</summary>
    public static async Task<T> TimeAsync<T>(this IDurationObserver metric, Func<Task<T>> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using var timer = Start(metric);
        return await func().ConfigureAwait(false);
    }

    // The metric's own Time() throws UnobservableMetricException before the delegate runs (rather than after it, when
    // the duration is recorded, which would also replace any exception the delegate threw).
    private static TimerScope Start(IDurationObserver metric) => metric switch
    {
        Gauge gauge => gauge.Time(),
        Histogram histogram => histogram.Time(),
        Summary summary => summary.Time(),
        null => throw new ArgumentNullException(nameof(metric)),
        _ => new TimerScope(metric),
    };
}
