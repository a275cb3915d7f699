using System.Globalization;

namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>
/// Writes to memory the runtime mapped read-only or read-execute: JIT code (the RX view of the W^X double
/// mapping) and the JIT's vtable (RELRO). The page gets <c>PROT_WRITE</c> added only for the duration of one
/// aligned store and its real previous protection, read from <c>/proc/self/maps</c>, is put back, so no page is
/// left writable-and-executable. All writers go through one lock: protections are per page, and two writers on
/// the same page must not restore each other's temporary state.
/// </summary>
internal static unsafe class MemoryProtection
{
    public const int PageSize = 4096;
    private static readonly object WriteLock = new();

    /// <summary>Atomically replaces the aligned 8 bytes at <paramref name="address"/>, returning the previous value.</summary>
    public static ulong WriteUInt64(nint address, ulong value)
    {
        if ((address & 7) != 0)
        {
            throw new InvalidOperationException($"Refusing a non-atomic write: 0x{address:x} is not 8-byte aligned.");
        }

        lock (WriteLock)
        {
            var page = address & ~(nint)(PageSize - 1);
            var protection = QueryProtection(address)
                ?? throw new InvalidOperationException($"0x{address:x} is not in any mapping of this process.");
            var mustUnprotect = (protection & Libc.ProtWrite) == 0;
            if (mustUnprotect && Libc.Mprotect(page, PageSize, protection | Libc.ProtWrite) != 0)
            {
                throw new InvalidOperationException(
                    $"mprotect(+PROT_WRITE) on 0x{page:x} failed with errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}; " +
                    "the system forbids patching code (SELinux execmem, PaX, hardened runtime?).");
            }

            try
            {
                return (ulong)Interlocked.Exchange(ref *(long*)address, (long)value);
            }
            finally
            {
                if (mustUnprotect && Libc.Mprotect(page, PageSize, protection) != 0)
                {
                    // The write happened; a page left writable is a security regression, not a correctness one.
                    // Fail loudly so tests and callers see it.
                    throw new InvalidOperationException($"Could not restore the protection of page 0x{page:x}.");
                }
            }
        }
    }

    /// <summary>The <c>PROT_*</c> bits of the mapping that holds <paramref name="address"/>, from <c>/proc/self/maps</c>.</summary>
    public static int? QueryProtection(nint address)
    {
        var a = (ulong)address;
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var dash = line.IndexOf('-');
            var space = line.IndexOf(' ');
            if (dash <= 0 || space <= dash)
            {
                continue;
            }

            var start = ulong.Parse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var end = ulong.Parse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (a < start || a >= end)
            {
                continue;
            }

            var perms = line.AsSpan(space + 1, 4);
            return (perms[0] == 'r' ? Libc.ProtRead : 0)
                | (perms[1] == 'w' ? Libc.ProtWrite : 0)
                | (perms[2] == 'x' ? Libc.ProtExec : 0);
        }

        return null;
    }
}
