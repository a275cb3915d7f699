namespace Pytheus.Compat.PrometheusNet.Harvest;

/// <summary>
/// prometheus-net keeps a double as its 64 bits in a <c>long</c> and changes it with compare-and-swap loops; the
/// portable strategy reads and replaces it the same way, so that no concurrent <c>Inc</c> is lost or seen twice.
/// </summary>
internal static class StoredDouble
{
    public static double Read(ref long cell) => BitConverter.Int64BitsToDouble(Volatile.Read(ref cell));

    /// <summary>Takes the stored value and leaves 0, atomically: returns the change since <paramref name="harvested"/>, which becomes 0.</summary>
    public static double Take(ref long cell, ref double harvested)
    {
        var change = Change(BitConverter.Int64BitsToDouble(Interlocked.Exchange(ref cell, 0)), harvested);
        harvested = 0;
        return change;
    }

    /// <summary>
    /// The change from <paramref name="harvested"/> to <paramref name="value"/>: a NaN written by the application is
    /// dropped (as the detour strategy drops it), rather than poisoning a shared series.
    /// </summary>
    public static double Change(double value, double harvested)
    {
        var change = value - harvested;
        return double.IsNaN(change) ? 0 : change;
    }

    /// <summary>
    /// Replaces the stored value with <paramref name="shared"/> plus the changes made since <paramref name="harvested"/>,
    /// and returns those changes (the caller moves them into the backend). The swap only succeeds from the value the
    /// changes were computed from, so an <c>Inc</c> racing with it is either counted here or left for the next harvest.
    /// On return <paramref name="harvested"/> is the stored value.
    /// </summary>
    public static double ReplaceWithShared(ref long cell, ref double harvested, double shared)
    {
        var found = 0.0;
        while (true)
        {
            var bits = Volatile.Read(ref cell);
            var value = BitConverter.Int64BitsToDouble(bits);
            var change = Change(value, harvested);
            found += change;
            shared += change;
            harvested = value;
            if (Interlocked.CompareExchange(ref cell, BitConverter.DoubleToInt64Bits(shared), bits) == bits)
            {
                harvested = shared;
                return found;
            }
        }
    }
}
