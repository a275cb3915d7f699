namespace Pytheus.Backends;

/// <summary>Atomic arithmetic on a double kept as its 64 bits (there is no <c>Interlocked.Add</c> for doubles).</summary>
internal static class DoubleBits
{
    /// <summary>Adds <paramref name="amount"/> with a compare-and-swap loop: exact under contention, no lock.</summary>
    public static void Add(ref long bits, double amount)
    {
        var current = Volatile.Read(ref bits);
        while (true)
        {
            var updated = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(current) + amount);
            var seen = Interlocked.CompareExchange(ref bits, updated, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}
