using System.Reflection;

namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>
/// Our own method-detour engine for CoreCLR (.NET 8, 9, 10 on Linux x64). Apply detours at start-up, before the
/// code that calls the targets is compiled with optimizations: a caller optimized earlier may hold an inlined copy
/// of a target that no detour can reach (see <see cref="DetourDiagnostics.PreexistingOptimizedBody"/>).
/// </summary>
internal sealed class MethodDetourer : IMethodDetourer
{
    private readonly DetourEngine _engine;

    private MethodDetourer(DetourEngine engine) => _engine = engine;

    /// <summary>
    /// Returns the detourer, installing the engine's JIT hook on first use (thread-safe, once per process) after
    /// checking the platform and running self-tests.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">
    /// The runtime, OS, CPU, JIT-EE interface or a runtime data layout is not one the engine was validated on,
    /// or a self-test failed. Nothing is left modified.
    /// </exception>
    public static MethodDetourer Create() => Create(PlatformFacts.Current, KnownRuntime.All);

    internal static MethodDetourer Create(PlatformFacts facts, IReadOnlyList<KnownRuntime> known) =>
        new(DetourEngine.GetOrInstall(facts, known));

    /// <inheritdoc />
    public IMethodDetour Redirect(MethodBase target, MethodInfo replacement) => _engine.Redirect(target, replacement);
}
