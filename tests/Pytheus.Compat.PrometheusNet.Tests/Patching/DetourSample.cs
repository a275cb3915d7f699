using System.Runtime.CompilerServices;

namespace Pytheus.Compat.PrometheusNet.Tests.Patching;

/// <summary>Targets and replacements for the in-process detour tests. Each target is detoured by one test only.</summary>
public sealed class DetourSample
{
    public static int Replaced;

    public int Base { get; set; } = 10;

    public int AddForRedirect(int x) => Base + x;

    public int AddForUndo(int x) => Base + x;

    public int AddForClone(int x) => Base + x;

    public static int TwiceForStatic(int x) => 2 * x;

    public static int ReplacementAdd(DetourSample self, int x)
    {
        Interlocked.Increment(ref Replaced);
        return -x;
    }

    public static int ReplacementTwice(int x) => 1000 + x;

    public static long WrongSignature(DetourSample self, long x) => x;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int CallAddForRedirect(DetourSample s, int x) => s.AddForRedirect(x);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int CallAddForUndo(DetourSample s, int x) => s.AddForUndo(x);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int CallAddForClone(DetourSample s, int x) => s.AddForClone(x);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int CallTwice(int x) => TwiceForStatic(x);
}
