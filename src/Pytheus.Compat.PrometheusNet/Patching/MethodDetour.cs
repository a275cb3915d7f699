using System.Reflection;

namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>One active detour, owned by <see cref="DetourEngine"/>.</summary>
internal sealed class MethodDetour : IMethodDetour
{
    private readonly DetourEngine _engine;

    internal MethodDetour(
        DetourEngine engine, MethodBase target, MethodInfo replacement, nint methodDesc, int tableIndex, ILClone clone,
        nint replacementEntry, List<PatchedBody> patches, DetourDiagnostics diagnostics)
    {
        _engine = engine;
        Target = target;
        Replacement = replacement;
        MethodDesc = methodDesc;
        TableIndex = tableIndex;
        Clone = clone;
        ReplacementEntry = replacementEntry;
        Patches = patches;
        Diagnostics = diagnostics;
    }

    public MethodBase Target { get; }

    public MethodInfo Replacement { get; }

    public nint OriginalEntryPoint => Clone.EntryPoint;

    public bool IsActive { get; internal set; } = true;

    public DetourDiagnostics Diagnostics { get; }

    internal nint MethodDesc { get; }

    internal int TableIndex { get; }

    internal ILClone Clone { get; }

    internal nint ReplacementEntry { get; }

    internal List<PatchedBody> Patches { get; }

    public void Dispose() => _engine.Undo(this);
}
