namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>
/// The x64 patch written at the start of a body: <c>jmp rel32</c> (5 bytes) merged into the first aligned
/// 8 bytes, so one atomic store replaces the prologue and the other 3 bytes keep their value.
/// </summary>
internal static class JumpEncoding
{
    private const byte JmpRel32 = 0xE9;

    /// <summary>The 8 bytes to store at <paramref name="from"/>, or null when <paramref name="to"/> is out of rel32 range.</summary>
    public static ulong? Encode(nint from, ulong currentQword, nint to)
    {
        var displacement = (long)to - ((long)from + 5);
        if (displacement is < int.MinValue or > int.MaxValue)
        {
            return null;
        }

        return (currentQword & 0xFFFFFF0000000000UL) | ((ulong)(uint)(int)displacement << 8) | JmpRel32;
    }

    /// <summary>The destination of the jump encoded in <paramref name="qword"/> at <paramref name="from"/>, if it is one.</summary>
    public static nint? Decode(nint from, ulong qword) =>
        (qword & 0xFF) == JmpRel32 ? from + 5 + (int)(uint)(qword >> 8) : null;
}
