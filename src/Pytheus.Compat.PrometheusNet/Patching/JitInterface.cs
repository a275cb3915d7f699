using System.Runtime.InteropServices;

namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>
/// The JIT the runtime uses (<c>getJit()</c> of libclrjit next to System.Private.CoreLib) and its
/// <c>ICorJitCompiler</c> vtable: slot 0 is <c>compileMethod</c>, slot 2 <c>getVersionIdentifier</c> (since .NET 5).
/// Reading it touches nothing.
/// </summary>
internal sealed unsafe class JitInterface
{
    private JitInterface(nint compiler)
    {
        Compiler = compiler;
        Vtable = *(nint*)compiler;
    }

    public nint Compiler { get; }

    public nint Vtable { get; }

    /// <summary>Address of the <c>compileMethod</c> slot.</summary>
    public nint CompileMethodSlot => Vtable;

    public nint CurrentCompileMethod => Volatile.Read(ref *(nint*)CompileMethodSlot);

    public static JitInterface Load(string runtimeDirectory)
    {
        var path = Path.Combine(runtimeDirectory, "libclrjit.so");
        if (!NativeLibrary.TryLoad(path, out var jit) || !NativeLibrary.TryGetExport(jit, "getJit", out var getJit))
        {
            throw new PlatformNotSupportedException($"The JIT was not found at {path}.");
        }

        var compiler = ((delegate* unmanaged<nint>)getJit)();
        if (compiler == 0)
        {
            throw new PlatformNotSupportedException("getJit() returned no compiler.");
        }

        return new JitInterface(compiler);
    }

    /// <summary>The JIT-EE interface version the JIT was built for.</summary>
    public Guid VersionIdentifier()
    {
        Guid guid;
        ((delegate* unmanaged<nint, Guid*, void>)((nint*)Vtable)[2])(Compiler, &guid);
        return guid;
    }

    /// <summary>Swaps <c>compileMethod</c>; returns the previous value.</summary>
    public nint ExchangeCompileMethod(nint value) =>
        (nint)MemoryProtection.WriteUInt64(CompileMethodSlot, (ulong)value);
}
