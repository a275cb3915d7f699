using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>
/// The process-wide detour machinery: a compile hook that substitutes forwarding IL for detoured methods (so every
/// future body calls the replacement), "do not inline" on every target (so no optimized caller copies the original
/// IL), and jumps written into bodies that already existed. One instance per process; all mutations under one lock.
/// </summary>
internal sealed unsafe class DetourEngine
{
    private static readonly object Gate = new();
    private static DetourEngine? _instance;
    private static Exception? _installFailure;

    private readonly RuntimeLayout _layout;
    private readonly MethodDescAccess _methodDescs;
    private readonly CodeBodyFinder _finder;
    private readonly SubstitutionTable _table;
    private readonly string _runtime;
    private readonly Dictionary<nint, MethodDetour> _active = [];

    // Undo sends bodies to IL clones: they must outlive the detour object.
    private readonly List<object> _keepAlive = [];

    private DetourEngine(RuntimeLayout layout, CodeBodyFinder finder, SubstitutionTable table, string runtime)
    {
        _layout = layout;
        _methodDescs = new MethodDescAccess(layout);
        _finder = finder;
        _table = table;
        _runtime = runtime;
    }

    /// <summary>Returns the engine, installing it on first use. Throws <see cref="PlatformNotSupportedException"/> when it cannot be trusted here.</summary>
    public static DetourEngine GetOrInstall(PlatformFacts facts, IReadOnlyList<KnownRuntime> known)
    {
        lock (Gate)
        {
            // The gate is read-only and cheap: run it every time so that an injected unknown platform is refused
            // even in a process where the engine is already installed.
            var runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();
            JitInterface? jit = null;
            var runtime = RuntimeSupportGate.Check(facts, known, () => (jit = JitInterface.Load(runtimeDirectory)).VersionIdentifier());
            if (_instance is not null)
            {
                return _instance;
            }

            if (_installFailure is not null)
            {
                throw new PlatformNotSupportedException(_installFailure.Message, _installFailure);
            }

            try
            {
                _instance = Install(facts, runtime, jit!, runtimeDirectory);
                return _instance;
            }
            catch (Exception e)
            {
                _installFailure = e;
                throw e as PlatformNotSupportedException ?? new PlatformNotSupportedException(
                    $"Method detours are not supported on {facts.Describe()}: {e.Message}. Nothing was patched.", e);
            }
        }
    }

    private static DetourEngine Install(PlatformFacts facts, KnownRuntime runtime, JitInterface jit, string runtimeDirectory)
    {
        var where = facts.Describe();
        var coreclr = NativeLibrary.Load(Path.Combine(runtimeDirectory, "libcoreclr.so"));
        var descriptor = ContractDescriptor.TryLoad(coreclr);
        if (descriptor is null && runtime.Major >= 9)
        {
            throw RuntimeSupportGate.Refuse(where, $".NET {runtime.Major} should export its contract descriptor and does not");
        }

        var layout = RuntimeLayout.For(runtime.Major, descriptor);
        RuntimeLayoutValidator.Validate(layout, where);
        var finder = new CodeBodyFinder(layout, RuntimeLayoutValidator.ExecutableRanges("libcoreclr.so"));

        var table = SubstitutionTable.Allocate();
        var original = jit.CurrentCompileMethod;
        var stub = CompileMethodStub.Create(table.Address, original);
        var engine = new DetourEngine(layout, finder, table, $"{where}, layout: {layout.Source}");

        // From here on the runtime is modified: any failure puts the JIT's compileMethod back. The stub page
        // stays mapped (read+execute): a JIT call may be running in it right now.
        var previous = jit.ExchangeCompileMethod(stub);
        try
        {
            if (previous != original)
            {
                throw RuntimeSupportGate.Refuse(where, "someone else changed the JIT's compileMethod while the engine was installing");
            }

            engine.SelfTestSubstitution(where);
            engine.SelfTestNativePatch(where);
            return engine;
        }
        catch
        {
            jit.ExchangeCompileMethod(previous);
            throw;
        }
    }

    public IMethodDetour Redirect(MethodBase target, MethodInfo replacement)
    {
        DetourRequest.Validate(target, replacement);
        lock (Gate)
        {
            var md = target.MethodHandle.Value;
            if (_active.ContainsKey(md))
            {
                throw new InvalidOperationException($"{DetourRequest.Describe(target)} is already detoured; dispose that detour first.");
            }

            var il = target.GetMethodBody()!.GetILAsByteArray()!;
            var clone = ILClone.Create(target);
            var argumentCount = target.GetParameters().Length + (target.IsStatic ? 0 : 1);
            var forwarder = ForwarderIL.Build(argumentCount, replacement);
            var scope = ModuleOf(replacement.DeclaringType!);
            var replacementEntry = replacement.MethodHandle.GetFunctionPointer();
            var entry = target.MethodHandle.GetFunctionPointer();

            var before = _finder.Find(md, entry);
            if (before.Entry == CodeBodyFinder.EntryState.Unknown)
            {
                throw new NotSupportedException(
                    $"{DetourRequest.Describe(target)}: its entry point leads to code the engine does not recognize " +
                    $"(0x{before.EntryTarget:x}; ReadyToRun code?). Nothing was patched.");
            }

            if (before.Bodies.Count > 0 && ILInstructionWalker.HasBackwardBranch(il))
            {
                // A running tier-0 body with a loop may ask for an OSR compile, whose IL offsets would not match the
                // forwarding IL. Before its first compile there is no such body, so it is safe then.
                throw new NotSupportedException(
                    $"{DetourRequest.Describe(target)} contains a loop and is already compiled; detour it before its first call.");
            }

            bool? eligible = before.Bodies.Count > 0 ? _methodDescs.EligibleForTiering(md) : null;
            var optimizedBefore = before.Bodies.Count > 0 && (eligible == false || before.Bodies.Count > 1);

            var setNotInline = _methodDescs.SetNotInline(md, true);
            var index = _table.Publish(md, scope, forwarder, Math.Max(argumentCount, 1));
            var patches = new List<PatchedBody>();
            try
            {
                // Scan again after publishing: every body compiled from now on is a forwarder, so this scan sees
                // every body of the original IL except one whose compilation had already passed the hook and is
                // still in flight. Re-scanning later is no cure: it cannot tell such a body from a forwarder that
                // another thread may be executing, and rewriting a running prologue is the one unsafe write.
                // Redirect at start-up (targets cold) and the window does not exist.
                foreach (var body in _finder.Find(md, entry).Bodies)
                {
                    if (Patch(body, replacementEntry, compiledFromOriginalIL: true) is { } p)
                    {
                        patches.Add(p);
                    }
                }
            }
            catch
            {
                for (var i = patches.Count - 1; i >= 0; i--)
                {
                    MemoryProtection.WriteUInt64(patches[i].Address, patches[i].Original);
                }

                _table.Remove(index);
                if (setNotInline)
                {
                    _methodDescs.SetNotInline(md, false);
                }

                throw;
            }

            var diagnostics = new DetourDiagnostics(
                before.Bodies.Count, optimizedBefore, eligible, TieredCompilationSetting.IsDisabled, patches.Count, _runtime, () => _table.Compilations(index));
            var detour = new MethodDetour(this, target, replacement, md, index, clone, replacementEntry, patches, diagnostics);
            _active.Add(md, detour);
            _keepAlive.Add(clone);
            return detour;
        }
    }

    public void Undo(MethodDetour detour)
    {
        lock (Gate)
        {
            if (!detour.IsActive)
            {
                return;
            }

            _table.Remove(detour.TableIndex);
            var restored = new HashSet<nint>();
            foreach (var p in detour.Patches.Where(p => p.CompiledFromOriginalIL))
            {
                if (SafeMemory.TryReadUInt64(p.Address, out var current) && current == p.Patched)
                {
                    MemoryProtection.WriteUInt64(p.Address, p.Original);
                }

                restored.Add(p.Address);
            }

            // Bodies compiled from the forwarding IL while the detour was active would keep calling the
            // replacement: send them to the IL clone of the original instead (permanently; they are replaced by
            // normal bodies as the method tiers up again).
            var entry = detour.Target.MethodHandle.GetFunctionPointer();
            foreach (var body in _finder.Find(detour.MethodDesc, entry).Bodies.Where(b => !restored.Contains(b)))
            {
                Patch(body, detour.Clone.EntryPoint, compiledFromOriginalIL: false);
            }

            detour.IsActive = false;
            _active.Remove(detour.MethodDesc);
        }
    }

    /// <summary>Writes <c>jmp destination</c> at the start of <paramref name="body"/> (null when it already jumps there).</summary>
    private static PatchedBody? Patch(nint body, nint destination, bool compiledFromOriginalIL)
    {
        if ((body & 7) != 0)
        {
            throw new NotSupportedException($"The body at 0x{body:x} is not 8-byte aligned; it cannot be patched atomically.");
        }

        if (!SafeMemory.TryReadUInt64(body, out var current))
        {
            throw new InvalidOperationException($"The body at 0x{body:x} is not readable.");
        }

        if (JumpEncoding.Decode(body, current) == destination)
        {
            return null;
        }

        var patched = JumpEncoding.Encode(body, current, destination)
            ?? throw new NotSupportedException($"0x{destination:x} is out of rel32 range of the body at 0x{body:x}.");
        var original = MemoryProtection.WriteUInt64(body, patched);
        return new PatchedBody(body, original, patched, compiledFromOriginalIL);
    }

    private nint ModuleOf(Type type) => *(nint*)(type.TypeHandle.Value + _layout.MethodTableModule);

    private void SelfTestSubstitution(string where)
    {
        var target = typeof(InstallProbes).GetMethod(nameof(InstallProbes.SubstitutionTarget), BindingFlags.NonPublic | BindingFlags.Static)!;
        var replacement = typeof(InstallProbes).GetMethod(nameof(InstallProbes.SubstitutionReplacement), BindingFlags.NonPublic | BindingFlags.Static)!;
        var md = target.MethodHandle.Value;
        var index = _table.Publish(md, ModuleOf(typeof(InstallProbes)), ForwarderIL.Build(1, replacement), 1);
        int result;
        try
        {
            result = InstallProbes.SubstitutionTarget(3);
        }
        finally
        {
            _table.Remove(index);
        }

        if (result != 300 || _table.Compilations(index) < 1)
        {
            throw RuntimeSupportGate.Refuse(where, $"the IL-substitution self-test failed (got {result}, {_table.Compilations(index)} substituted compilations)");
        }
    }

    private void SelfTestNativePatch(string where)
    {
        var target = typeof(InstallProbes).GetMethod(nameof(InstallProbes.NativeTarget), BindingFlags.NonPublic | BindingFlags.Static)!;
        var replacement = typeof(InstallProbes).GetMethod(nameof(InstallProbes.NativeReplacement), BindingFlags.NonPublic | BindingFlags.Static)!;
        RuntimeHelpers.PrepareMethod(target.MethodHandle);
        var (bodies, _, entryTarget) = _finder.Find(target.MethodHandle.Value, target.MethodHandle.GetFunctionPointer());
        if (bodies.Count == 0)
        {
            throw RuntimeSupportGate.Refuse(where, $"the code of a compiled probe method was not found (entry leads to 0x{entryTarget:x}); the code-header layout is not the expected one");
        }

        var patches = new List<PatchedBody>();
        int patchedResult, restoredResult;
        try
        {
            foreach (var body in bodies)
            {
                patches.Add(Patch(body, replacement.MethodHandle.GetFunctionPointer(), true)!);
            }

            patchedResult = InstallProbes.NativeTarget(3);
        }
        finally
        {
            foreach (var p in patches)
            {
                MemoryProtection.WriteUInt64(p.Address, p.Original);
            }
        }

        restoredResult = InstallProbes.NativeTarget(3);
        if (patchedResult != 21 || restoredResult != 5)
        {
            throw RuntimeSupportGate.Refuse(where, $"the native-patch self-test failed (patched {patchedResult}, restored {restoredResult})");
        }
    }
}
