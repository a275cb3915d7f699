using System.Runtime.InteropServices;

namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>
/// The native table the compile hook reads: <c>[u32 count][u32 pad]</c> then entries of
/// <c>{ MethodDesc* md; Module* scope; byte* il; u32 ilSize; u32 maxStack; u64 compilations }</c>.
/// It lives in plain read-write (never executable) memory. Entries are written completely before
/// <c>count</c> is raised, and a removed entry only has its <c>md</c> zeroed, so a hook running concurrently
/// on another thread always sees either a whole entry or none (x64 stores are not reordered with each other).
/// Slots are never reused and IL buffers never freed: a JIT may still be reading them.
/// </summary>
internal sealed unsafe class SubstitutionTable
{
    public const int EntrySize = 40;
    private const int Size = 64 * 1024;
    private const int Capacity = (Size - 8) / EntrySize;

    private SubstitutionTable(nint address) => Address = address;

    public nint Address { get; }

    private uint Count => Volatile.Read(ref *(uint*)Address);

    public static SubstitutionTable Allocate()
    {
        var p = Libc.Mmap(0, Size, Libc.ProtRead | Libc.ProtWrite, Libc.MapPrivate | Libc.MapAnonymous, -1, 0);
        if (p == Libc.MapFailed)
        {
            throw new PlatformNotSupportedException($"mmap of the detour table failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        return new SubstitutionTable(p);
    }

    /// <summary>Adds an entry and returns its index; from now on compilations of <paramref name="md"/> use <paramref name="il"/>.</summary>
    public int Publish(nint md, nint scope, byte[] il, int maxStack)
    {
        var index = (int)Count;
        if (index >= Capacity)
        {
            throw new InvalidOperationException($"The detour table is full ({Capacity} detours per process).");
        }

        var buffer = (byte*)NativeMemory.Alloc((nuint)il.Length);
        il.CopyTo(new Span<byte>(buffer, il.Length));
        var e = Entry(index);
        *(nint*)(e + 8) = scope;
        *(nint*)(e + 16) = (nint)buffer;
        *(uint*)(e + 24) = (uint)il.Length;
        *(uint*)(e + 28) = (uint)maxStack;
        *(ulong*)(e + 32) = 0;
        Volatile.Write(ref *(nint*)e, md);
        Volatile.Write(ref *(uint*)Address, (uint)index + 1);
        return index;
    }

    /// <summary>Compilations of the method start using its own IL again.</summary>
    public void Remove(int index) => Volatile.Write(ref *(nint*)Entry(index), 0);

    /// <summary>How many compilations the hook has substituted for the entry.</summary>
    public long Compilations(int index) => (long)Volatile.Read(ref *(ulong*)(Entry(index) + 32));

    private byte* Entry(int index) => (byte*)Address + 8 + (index * EntrySize);
}
