namespace Pytheus.Tests.Shared;

/// <summary>
/// The observations of the native histogram multi-process tests, known to the worker processes and to the tests that
/// check them: dyadic values (exact sums in any order) spread over 2^-15..2^16, some negative, some zero, so that
/// buckets are many (enough to make a limited process lower its schema), on both sides and in the zero bucket.
/// </summary>
public static class NativeWorkload
{
    /// <summary>The <paramref name="j"/>-th observation of worker <paramref name="worker"/>.</summary>
    public static double Value(int worker, int j)
    {
        if (j % 17 == 0)
        {
            return 0;
        }
        var magnitude = Math.ScaleB(((j % 37) + 1) * (worker + 1), (j % 23) - 15);
        return j % 13 == 0 ? -magnitude : magnitude;
    }
}
