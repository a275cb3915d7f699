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
        using var timer = new TimerScope(metric);
        action();
    }

    /// <summary>Runs <paramref name="func"/>, records its duration and returns its result.</summary>
    public static T Time<T>(this IDurationObserver metric, Func<T> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using var timer = new TimerScope(metric);
        return func();
    }

    /// <summary>Awaits <paramref name="func"/> and records its duration.</summary>
    public static async Task TimeAsync(this IDurationObserver metric, Func<Task> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using var timer = new TimerScope(metric);
        await func().ConfigureAwait(false);
    }

    /// <summary>Awaits <paramref name="func"/>, records its duration and returns its result.</summary>
    public static async Task<T> TimeAsync<T>(this IDurationObserver metric, Func<Task<T>> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using var timer = new TimerScope(metric);
        return await func().ConfigureAwait(false);
    }
}
