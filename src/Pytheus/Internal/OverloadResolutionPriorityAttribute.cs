#if !NET9_0_OR_GREATER
namespace System.Runtime.CompilerServices;

/// <summary>
/// Polyfill of .NET 9's attribute for net8.0 builds: C# 13+ compilers honour it by name, preferring the overload with
/// the higher priority when several apply.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
internal sealed class OverloadResolutionPriorityAttribute(int priority) : Attribute
{
    /// <summary>The priority; higher wins.</summary>
    public int Priority { get; } = priority;
}
#endif
