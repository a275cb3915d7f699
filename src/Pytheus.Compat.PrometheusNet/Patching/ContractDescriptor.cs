using System.Runtime.InteropServices;
using System.Text.Json;

namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>
/// The runtime's own description of its data structures: libcoreclr exports
/// <c>DotNetRuntimeContractDescriptor</c> (added for the cDAC; present from .NET 9, much richer in .NET 10).
/// Layout: <c>{ u64 magic "DNCCDAC\0"; u32 flags; u32 size; char* json; u32 pointerCount; u32 pad; nint* pointers }</c>.
/// Reading offsets from here instead of hard-coding them is what lets the engine notice a layout change.
/// </summary>
internal sealed unsafe class ContractDescriptor
{
    private const ulong Magic = 0x0043414443434e44; // "DNCCDAC\0"
    private readonly JsonElement _types;
    private readonly JsonElement _globals;
    private readonly nint* _pointers;
    private readonly uint _pointerCount;

    private ContractDescriptor(JsonElement types, JsonElement globals, nint* pointers, uint pointerCount)
    {
        _types = types;
        _globals = globals;
        _pointers = pointers;
        _pointerCount = pointerCount;
    }

    /// <summary>Reads the descriptor of the running runtime, or null when it exports none (.NET 8).</summary>
    public static ContractDescriptor? TryLoad(nint coreclr)
    {
        if (!NativeLibrary.TryGetExport(coreclr, "DotNetRuntimeContractDescriptor", out var address))
        {
            return null;
        }

        var p = (byte*)address;
        if (*(ulong*)p != Magic)
        {
            throw new PlatformNotSupportedException("The runtime contract descriptor has an unknown magic number.");
        }

        var json = Marshal.PtrToStringUTF8(*(nint*)(p + 16))
            ?? throw new PlatformNotSupportedException("The runtime contract descriptor has no JSON.");
        var root = JsonDocument.Parse(json).RootElement;
        return new ContractDescriptor(
            root.GetProperty("types"), root.GetProperty("globals"), *(nint**)(p + 32), *(uint*)(p + 24));
    }

    /// <summary>The offset of <paramref name="field"/> in <paramref name="type"/>, when the runtime describes it.</summary>
    public int? FieldOffset(string type, string field)
    {
        if (!_types.TryGetProperty(type, out var t) || !t.TryGetProperty(field, out var f))
        {
            return null;
        }

        // A field is either a bare offset or [offset, "type name"].
        return f.ValueKind == JsonValueKind.Array ? f[0].GetInt32() : f.GetInt32();
    }

    /// <summary>The address a pointer global refers to (e.g. <c>MethodDescSizeTable</c>), when present.</summary>
    public nint? PointerGlobal(string name)
    {
        if (!_globals.TryGetProperty(name, out var g) || g.ValueKind != JsonValueKind.Array
            || g[0].ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        // [[index], "pointer"]: an index into the descriptor's pointer table.
        var index = g[0][0].GetUInt32();
        return index < _pointerCount ? _pointers[index] : null;
    }
}
