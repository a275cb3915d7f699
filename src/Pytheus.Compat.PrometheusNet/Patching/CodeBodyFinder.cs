namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>
/// Finds the native bodies the runtime has already produced for a method, so they can be patched. Every address
/// is accepted only if the runtime's own code header names the method as its owner
/// (<c>*(*(code - 8) + RealCodeHeader.MethodDesc) == md</c>), read through <see cref="SafeMemory"/>: a wrong guess
/// costs nothing, and nothing is ever written to an address that is not a body of the target.
/// </summary>
internal sealed unsafe class CodeBodyFinder(RuntimeLayout layout, (nint Start, nint End)[] runtimeText)
{
    private const int MaxHops = 4;

    /// <summary>What the method's entry point leads to.</summary>
    public enum EntryState
    {
        /// <summary>A JIT body of the method.</summary>
        Compiled,

        /// <summary>A precode still pointing at the runtime's prestub: never compiled.</summary>
        NotCompiled,

        /// <summary>Something the engine does not recognize (e.g. ReadyToRun code): refuse.</summary>
        Unknown,
    }

    /// <summary>The bodies found, and what the entry point leads to.</summary>
    public (List<nint> Bodies, EntryState Entry, nint EntryTarget) Find(nint md, nint entryPoint)
    {
        var bodies = new List<nint>();
        var (state, target) = WalkEntry(md, entryPoint);
        if (state == EntryState.Compiled)
        {
            bodies.Add(target);
        }

        AddIfOwned(bodies, md, NativeCodeSlotValue(md));
        if (layout.MethodDescSizeTable is null)
        {
            // .NET 8/9 do not publish where the optional slots of a MethodDesc sit (native-code slot after the
            // non-vtable slot and MethodImpl data). Look at the words that can hold it: the ownership check makes
            // a wrong word harmless, and finding the default version's body is what reveals a tiered-up method.
            for (var offset = 8; offset <= 40; offset += 8)
            {
                if (SafeMemory.TryReadPointer(md + offset, out var candidate))
                {
                    AddIfOwned(bodies, md, candidate);
                }
            }
        }

        foreach (var code in VersionNodeBodies(md))
        {
            AddIfOwned(bodies, md, code);
        }

        return (bodies, state, target);
    }

    public bool IsOwnedBody(nint code, nint md) =>
        code != 0
        && SafeMemory.TryReadPointer(code - 8, out var realCodeHeader)
        && SafeMemory.TryReadPointer(realCodeHeader + layout.RealCodeHeaderMethodDesc, out var owner)
        && owner == md;

    private void AddIfOwned(List<nint> bodies, nint md, nint code)
    {
        if (!bodies.Contains(code) && IsOwnedBody(code, md))
        {
            bodies.Add(code);
        }
    }

    private (EntryState, nint) WalkEntry(nint md, nint address)
    {
        for (var hop = 0; hop <= MaxHops && address != 0; hop++)
        {
            // Ownership first: a body may itself begin with a jump (a tail call to another method), and
            // following it would leave the method.
            if (IsOwnedBody(address, md))
            {
                return (EntryState.Compiled, address);
            }

            if (InRuntimeText(address))
            {
                return (EntryState.NotCompiled, address);
            }

            var next = FollowStub(address, out var selfFixup);
            if (selfFixup)
            {
                return (EntryState.NotCompiled, address);
            }

            if (next is null)
            {
                return (EntryState.Unknown, address);
            }

            address = next.Value;
        }

        return (EntryState.Unknown, address);
    }

    /// <summary>
    /// Follows the x64 stub shapes CoreCLR 8–10 put in front of code: FixupPrecode (<c>jmp [rip+d]</c>, pointing at
    /// its own second half until compiled), StubPrecode (<c>mov r10,[rip+d]; jmp [rip+d]</c>), the call-counting stub
    /// (<c>mov rax,[rip+d]; dec word [rax]; je +6; jmp [rip+d]</c>), jump stubs (<c>mov rax, imm64; jmp rax</c>) and rel32 jumps.
    /// </summary>
    private static nint? FollowStub(nint address, out bool selfFixup)
    {
        selfFixup = false;
        byte* b = stackalloc byte[24];
        if (!SafeMemory.TryRead(address, b, 24))
        {
            return null;
        }

        nint? Indirect(int instructionEnd, int dispOffset) =>
            SafeMemory.TryReadPointer(address + instructionEnd + *(int*)(b + dispOffset), out var t) ? t : null;

        if (b[0] == 0xFF && b[1] == 0x25)
        {
            var target = Indirect(6, 2);
            selfFixup = target == address + 6;
            return target;
        }

        if (b[0] == 0x4C && b[1] == 0x8B && b[2] == 0x15 && b[7] == 0xFF && b[8] == 0x25)
        {
            return Indirect(13, 9);
        }

        if (b[0] == 0x48 && b[1] == 0x8B && b[2] == 0x05 && b[7] == 0x66 && b[8] == 0xFF && b[9] == 0x08
            && b[10] == 0x74 && b[12] == 0xFF && b[13] == 0x25)
        {
            return Indirect(18, 14);
        }

        if (b[0] == 0x48 && b[1] == 0xB8 && b[10] == 0xFF && b[11] == 0xE0)
        {
            return *(nint*)(b + 2);
        }

        if (b[0] == 0xE9)
        {
            return address + 5 + *(int*)(b + 1);
        }

        return null;
    }

    private bool InRuntimeText(nint address)
    {
        foreach (var (start, end) in runtimeText)
        {
            if (address >= start && address < end)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The default code version's body, from the optional native-code slot (.NET 10 layout only).</summary>
    private nint NativeCodeSlotValue(nint md)
    {
        if (layout.MethodDescSizeTable is not { } table)
        {
            return 0;
        }

        var flags = *(ushort*)(md + layout.MethodDescFlags);
        if ((flags & RuntimeLayout.FlagHasNativeCodeSlot) == 0)
        {
            return 0;
        }

        byte size;
        if (!SafeMemory.TryRead(table + (flags & RuntimeLayout.SizeTableMask), &size, 1))
        {
            return 0;
        }

        return SafeMemory.TryReadPointer(md + size, out var code) ? code : 0;
    }

    /// <summary>Bodies of non-default code versions (tier 1, instrumented tier 0, OSR) from the version list (.NET 10 only).</summary>
    private IEnumerable<nint> VersionNodeBodies(nint md)
    {
        if (layout is not
            {
                MethodDescCodeData: { } codeDataOffset, CodeDataVersioningState: { } stateOffset,
                VersioningStateFirstNode: { } firstOffset, NodeNativeCode: { } codeOffset,
                NodeMethodDesc: { } ownerOffset, NodeNext: { } nextOffset,
            })
        {
            yield break;
        }

        if (!SafeMemory.TryReadPointer(md + codeDataOffset, out var codeData)
            || !SafeMemory.TryReadPointer(codeData + stateOffset, out var state)
            || !SafeMemory.TryReadPointer(state + firstOffset, out var node))
        {
            yield break;
        }

        for (var i = 0; i < 64 && node != 0; i++)
        {
            if (SafeMemory.TryReadPointer(node + ownerOffset, out var owner) && owner == md
                && SafeMemory.TryReadPointer(node + codeOffset, out var code) && code != 0)
            {
                yield return code;
            }

            if (!SafeMemory.TryReadPointer(node + nextOffset, out node))
            {
                yield break;
            }
        }
    }
}
