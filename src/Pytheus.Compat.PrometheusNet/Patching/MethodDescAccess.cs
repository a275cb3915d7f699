namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>Reads and updates the flag words of a <c>MethodDesc</c> (the pointer behind <c>RuntimeMethodHandle.Value</c>).</summary>
internal sealed unsafe class MethodDescAccess(RuntimeLayout layout)
{
    public ushort Flags(nint md) => Volatile.Read(ref *(ushort*)(md + layout.MethodDescFlags));

    public ushort Flags3(nint md) => Volatile.Read(ref *(ushort*)(md + layout.MethodDescFlags3));

    public bool IsNotInline(nint md) => (Flags(md) & RuntimeLayout.FlagNotInline) != 0;

    /// <summary>
    /// Whether the runtime has marked the method for tiered compilation. Meaningful once the method has been
    /// compiled (.NET 10 decides lazily, at the first compilation); used for diagnostics only.
    /// </summary>
    public bool EligibleForTiering(nint md) => (Flags3(md) & RuntimeLayout.Flag3EligibleForTiering) != 0;

    /// <summary>Sets or clears "do not inline"; returns whether the flag changed.</summary>
    /// <remarks>
    /// The runtime updates other bits of the same word concurrently (its own <c>InterlockedUpdateFlags</c>), so a
    /// plain store could lose one of its updates: compare-and-swap the aligned 32-bit word that holds the flags.
    /// </remarks>
    public bool SetNotInline(nint md, bool value)
    {
        var field = md + layout.MethodDescFlags;
        var word = (int*)(field & ~(nint)3);
        var shift = (int)(field & 3) * 8;
        var bit = RuntimeLayout.FlagNotInline << shift;
        while (true)
        {
            var old = Volatile.Read(ref *word);
            var updated = value ? old | bit : old & ~bit;
            if (updated == old)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref *word, updated, old) == old)
            {
                return true;
            }
        }
    }
}
