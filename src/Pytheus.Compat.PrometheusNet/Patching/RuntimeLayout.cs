namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>
/// Offsets into runtime structures that the engine relies on. Each comes from the runtime's contract descriptor
/// when it describes the field, otherwise from a constant validated on that major version; every one is then
/// checked against something observable (see <see cref="RuntimeLayoutValidator"/>) before the engine writes.
/// </summary>
internal sealed record RuntimeLayout
{
    /// <summary><c>MethodDesc::m_wFlags3AndTokenRemainder</c> (ushort).</summary>
    public required int MethodDescFlags3 { get; init; }

    /// <summary><c>MethodDesc::m_wFlags</c> (ushort).</summary>
    public required int MethodDescFlags { get; init; }

    /// <summary><c>MethodTable::m_pModule</c>.</summary>
    public required int MethodTableModule { get; init; }

    /// <summary><c>RealCodeHeader::phdrMDesc</c>: the MethodDesc owning a JIT body (the 8 bytes before the body point to the RealCodeHeader).</summary>
    public required int RealCodeHeaderMethodDesc { get; init; }

    /// <summary><c>MethodDesc::m_codeData</c> (.NET 10), or null when the runtime has none.</summary>
    public int? MethodDescCodeData { get; init; }

    /// <summary><c>MethodDescCodeData::VersioningState</c>.</summary>
    public int? CodeDataVersioningState { get; init; }

    /// <summary><c>MethodDescVersioningState::m_pFirstVersionNode</c>.</summary>
    public int? VersioningStateFirstNode { get; init; }

    /// <summary><c>NativeCodeVersionNode</c> fields: native code, owning MethodDesc, next node.</summary>
    public int? NodeNativeCode { get; init; }

    /// <inheritdoc cref="NodeNativeCode"/>
    public int? NodeMethodDesc { get; init; }

    /// <inheritdoc cref="NodeNativeCode"/>
    public int? NodeNext { get; init; }

    /// <summary><c>MethodDesc::s_ClassificationSizeTable</c>: where the optional native-code slot of a MethodDesc starts.</summary>
    public nint? MethodDescSizeTable { get; init; }

    /// <summary><c>m_wFlags</c>: the JIT must not inline this method (also set by the runtime for <c>NoInlining</c>).</summary>
    public const ushort FlagNotInline = 0x2000;

    /// <summary><c>m_wFlags</c>: the MethodDesc carries a native-code slot.</summary>
    public const ushort FlagHasNativeCodeSlot = 0x0020;

    /// <summary><c>m_wFlags</c>: bits that select the entry of the size table (classification, non-vtable slot, MethodImpl).</summary>
    public const ushort SizeTableMask = 0x001F;

    /// <summary><c>m_wFlags3AndTokenRemainder</c>: the method takes part in tiered compilation.</summary>
    public const ushort Flag3EligibleForTiering = 0x8000;

    /// <summary>Where each value came from, for diagnostics and docs.</summary>
    public required string Source { get; init; }

    /// <summary>Layout of the running runtime: descriptor first, validated constants for what it omits.</summary>
    public static RuntimeLayout For(int major, ContractDescriptor? descriptor)
    {
        // Constants below were read from the .NET 8.0.31, 9.0.20 and 10.0.12 runtimes on linux-x64 (see docs/patching.md).
        // The ones the .NET 9/10 descriptors publish are taken from there instead.
        var d = descriptor;
        var layout = new RuntimeLayout
        {
            MethodDescFlags3 = d?.FieldOffset("MethodDesc", "Flags3AndTokenRemainder") ?? 0,
            MethodDescFlags = d?.FieldOffset("MethodDesc", "Flags") ?? 6,
            MethodTableModule = d?.FieldOffset("MethodTable", "Module") ?? 24,
            RealCodeHeaderMethodDesc = d?.FieldOffset("RealCodeHeader", "MethodDesc") ?? 24,
            Source = d is null ? $".NET {major} constants" : $".NET {major} contract descriptor + constants",
        };

        if (major >= 10 && d is not null)
        {
            // Only .NET 10 describes code versions; without them the engine finds bodies through the entry point only.
            layout = layout with
            {
                MethodDescCodeData = d.FieldOffset("MethodDesc", "CodeData"),
                CodeDataVersioningState = d.FieldOffset("MethodDescCodeData", "VersioningState"),
                VersioningStateFirstNode = d.FieldOffset("MethodDescVersioningState", "NativeCodeVersionNode"),
                NodeNativeCode = d.FieldOffset("NativeCodeVersionNode", "NativeCode"),
                NodeMethodDesc = d.FieldOffset("NativeCodeVersionNode", "MethodDesc"),
                NodeNext = d.FieldOffset("NativeCodeVersionNode", "Next"),
                MethodDescSizeTable = d.PointerGlobal("MethodDescSizeTable"),
            };
        }

        return layout;
    }
}
