using System.Runtime.InteropServices;

namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>
/// Native x64 (System V) replacement for <c>ICorJitCompiler::compileMethod(this, comp, CORINFO_METHOD_INFO* info, …)</c>.
/// If <c>info-&gt;ftn</c> is in the <see cref="SubstitutionTable"/>, it rewrites the runtime's method info in place
/// (<c>scope</c> +8, <c>ILCode</c> +16, <c>ILCodeSize</c> +24, <c>maxStack</c> +28, <c>EHcount</c> +32 := 0) and counts
/// the compilation; either way it tail-jumps to the JIT's real <c>compileMethod</c> with every argument register
/// untouched. Being native and tail-jumping, it needs no managed code in the JIT path: no re-entrancy into the JIT,
/// no C++ exceptions crossing managed frames, no GC-mode switch. It uses only rax, r10 and r11 (scratch registers).
/// </summary>
internal static unsafe class CompileMethodStub
{
    /// <summary>Writes the stub into a fresh page, then makes that page read+execute (never writable and executable).</summary>
    public static nint Create(nint table, nint originalCompileMethod)
    {
        var code = Assemble(table, originalCompileMethod);
        var page = Libc.Mmap(0, MemoryProtection.PageSize, Libc.ProtRead | Libc.ProtWrite, Libc.MapPrivate | Libc.MapAnonymous, -1, 0);
        if (page == Libc.MapFailed)
        {
            throw new PlatformNotSupportedException($"mmap of the compile hook failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        code.CopyTo(new Span<byte>((void*)page, code.Length));
        if (Libc.Mprotect(page, MemoryProtection.PageSize, Libc.ProtRead | Libc.ProtExec) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            Libc.Munmap(page, MemoryProtection.PageSize);
            throw new PlatformNotSupportedException($"Making the compile hook executable failed (errno {errno}).");
        }

        return page;
    }

    internal static byte[] Assemble(nint table, nint originalCompileMethod)
    {
        var c = new List<byte>(128);
        void Emit(params byte[] bytes) => c.AddRange(bytes);

        Emit(0x48, 0x8B, 0x02);                             // mov rax, [rdx]          ; info->ftn
        Emit(0x49, 0xBA); c.AddRange(BitConverter.GetBytes((long)table)); // mov r10, table
        Emit(0x45, 0x8B, 0x1A);                             // mov r11d, [r10]         ; count
        Emit(0x49, 0x83, 0xC2, 0x08);                       // add r10, 8              ; first entry
        var loop = c.Count;
        Emit(0x45, 0x85, 0xDB);                             // test r11d, r11d
        var jzDone = c.Count;
        Emit(0x74, 0x00);                                   // jz done
        Emit(0x49, 0x3B, 0x02);                             // cmp rax, [r10]
        var jeHit = c.Count;
        Emit(0x74, 0x00);                                   // je hit
        Emit(0x49, 0x83, 0xC2, SubstitutionTable.EntrySize); // add r10, 40
        Emit(0x41, 0xFF, 0xCB);                             // dec r11d
        Emit(0xEB, (byte)(sbyte)(loop - (c.Count + 2)));    // jmp loop
        var hit = c.Count;
        Emit(0x49, 0x8B, 0x42, 0x08);                       // mov rax, [r10+8]
        Emit(0x48, 0x89, 0x42, 0x08);                       // mov [rdx+8], rax        ; scope
        Emit(0x49, 0x8B, 0x42, 0x10);                       // mov rax, [r10+16]
        Emit(0x48, 0x89, 0x42, 0x10);                       // mov [rdx+16], rax       ; ILCode
        Emit(0x41, 0x8B, 0x42, 0x18);                       // mov eax, [r10+24]
        Emit(0x89, 0x42, 0x18);                             // mov [rdx+24], eax       ; ILCodeSize
        Emit(0x41, 0x8B, 0x42, 0x1C);                       // mov eax, [r10+28]
        Emit(0x89, 0x42, 0x1C);                             // mov [rdx+28], eax       ; maxStack
        Emit(0xC7, 0x42, 0x20, 0, 0, 0, 0);                 // mov dword [rdx+32], 0   ; EHcount
        Emit(0xF0, 0x49, 0xFF, 0x42, 0x20);                 // lock inc qword [r10+32] ; compilations
        var done = c.Count;
        Emit(0x48, 0xB8); c.AddRange(BitConverter.GetBytes((long)originalCompileMethod)); // mov rax, original
        Emit(0xFF, 0xE0);                                   // jmp rax

        c[jzDone + 1] = (byte)(done - (jzDone + 2));
        c[jeHit + 1] = (byte)(hit - (jeHit + 2));
        return [.. c];
    }
}
