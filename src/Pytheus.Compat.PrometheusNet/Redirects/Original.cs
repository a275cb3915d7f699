using System.Runtime.CompilerServices;

namespace Pytheus.Compat.PrometheusNet.Redirects;

/// <summary>
/// Entry points of the IL copies of prometheus-net's redirected methods, which the replacements call while no patch is
/// active. A slot is filled right after its detour is installed; a call arriving in between waits for it.
/// </summary>
internal static class Original
{
    public static nint Of(ref nint slot)
    {
        var entry = Volatile.Read(ref slot);
        return entry != 0 ? entry : WaitFor(ref slot);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static nint WaitFor(ref nint slot)
    {
        var spin = new SpinWait();
        nint entry;
        while ((entry = Volatile.Read(ref slot)) == 0)
        {
            spin.SpinOnce();
        }
        return entry;
    }
}
