using System.Diagnostics;

namespace Pytheus.Tests.Shared;

/// <summary>
/// Waits that last at least the given time by the monotonic clock timers use. <c>Task.Delay</c> alone may end a few
/// milliseconds early on Linux (its timer runs on a coarse tick), which would break lower-bound assertions.
/// </summary>
internal static class Waits
{
    public static void AtLeast(TimeSpan duration)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            Thread.Sleep(duration - watch.Elapsed + TimeSpan.FromMilliseconds(1));
        }
    }

    public static async Task AtLeastAsync(TimeSpan duration)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            await Task.Delay(duration - watch.Elapsed + TimeSpan.FromMilliseconds(1));
        }
    }
}
