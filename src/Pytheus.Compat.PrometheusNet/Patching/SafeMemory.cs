namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>
/// Reads process memory without risking a fault. Used wherever the engine follows a pointer it has not proven
/// valid yet (e.g. the 8 bytes before something that may or may not be JIT code): <c>process_vm_readv</c> on our
/// own pid returns an error for unmapped addresses instead of raising SIGSEGV.
/// </summary>
internal static unsafe class SafeMemory
{
    private static readonly int Pid = Libc.Getpid();

    public static bool TryRead(nint address, void* buffer, int length)
    {
        if (address == 0)
        {
            return false;
        }

        var local = new Libc.IoVec { Base = (nint)buffer, Length = (nuint)length };
        var remote = new Libc.IoVec { Base = address, Length = (nuint)length };
        return Libc.ProcessVmReadv(Pid, &local, 1, &remote, 1, 0) == length;
    }

    public static bool TryReadPointer(nint address, out nint value)
    {
        nint v;
        var ok = TryRead(address, &v, sizeof(nint));
        value = ok ? v : 0;
        return ok;
    }

    public static bool TryReadUInt64(nint address, out ulong value)
    {
        ulong v;
        var ok = TryRead(address, &v, sizeof(ulong));
        value = ok ? v : 0;
        return ok;
    }
}
