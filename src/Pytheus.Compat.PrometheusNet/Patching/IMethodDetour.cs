using System.Reflection;

namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>An active redirection of one method. <see cref="IDisposable.Dispose"/> undoes it.</summary>
internal interface IMethodDetour : IDisposable
{
    /// <summary>The method whose calls are redirected.</summary>
    MethodBase Target { get; }

    /// <summary>The static method that runs instead of <see cref="Target"/>.</summary>
    MethodInfo Replacement { get; }

    /// <summary>
    /// Entry point of a callable copy of the original method (built from its IL, untouched by the detour).
    /// Call it with the same arguments as <see cref="Replacement"/>, e.g. through
    /// <c>delegate*&lt;Counter.Child, double, Exemplar?, void&gt;</c>.
    /// </summary>
    nint OriginalEntryPoint { get; }

    /// <summary>True until the detour is disposed.</summary>
    bool IsActive { get; }

    /// <summary>What the engine saw and did when it applied this detour.</summary>
    DetourDiagnostics Diagnostics { get; }
}
