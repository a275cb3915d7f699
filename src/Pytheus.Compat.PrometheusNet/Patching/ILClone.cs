using System.Reflection;
using System.Reflection.Emit;

namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>
/// A callable copy of a method built from its IL as a <see cref="DynamicMethod"/>: the way to run "the original"
/// while the original itself is detoured (and where Undo sends bodies compiled from the forwarding IL). It is an
/// independent method that tiers normally and is never touched by the detour.
/// </summary>
internal sealed class ILClone
{
    private static readonly MethodInfo? GetMethodDescriptor =
        typeof(DynamicMethod).GetMethod("GetMethodDescriptor", BindingFlags.NonPublic | BindingFlags.Instance);

    private ILClone(DynamicMethod method, nint entryPoint)
    {
        Method = method;
        EntryPoint = entryPoint;
    }

    /// <summary>The clone; kept referenced so its code is never collected.</summary>
    public DynamicMethod Method { get; }

    /// <summary>Native entry point of the clone (static; <c>this</c> becomes the first parameter).</summary>
    public nint EntryPoint { get; }

    public static ILClone Create(MethodBase original)
    {
        var body = original.GetMethodBody() ?? throw new NotSupportedException($"{original} has no IL body.");
        var il = body.GetILAsByteArray() ?? throw new NotSupportedException($"{original} has no IL body.");
        var type = original.DeclaringType!;
        var parameters = original.GetParameters().Select(p => p.ParameterType);
        if (!original.IsStatic)
        {
            parameters = parameters.Prepend(type);
        }

        var returnType = original is MethodInfo mi ? mi.ReturnType : typeof(void);
        var clone = new DynamicMethod(
            $"{type.Name}.{original.Name}<original>", MethodAttributes.Public | MethodAttributes.Static, CallingConventions.Standard,
            returnType, [.. parameters], type, skipVisibility: true)
        {
            InitLocals = body.InitLocals,
        };

        var info = clone.GetDynamicILInfo();
        var module = original.Module;
        var typeArgs = type.IsGenericType ? type.GetGenericArguments() : null;
        var methodArgs = original.IsGenericMethod ? original.GetGenericArguments() : null;

        // Tokens in the copied IL refer to the original module's metadata; the dynamic method has its own token
        // space, so each operand is resolved and re-issued by DynamicILInfo.
        var copy = (byte[])il.Clone();
        foreach (var ins in ILInstructionWalker.Walk(il))
        {
            int? token = ins.OpCode.OperandType switch
            {
                OperandType.InlineMethod => TokenFor(info, module.ResolveMethod(Read(il, ins), typeArgs, methodArgs)!),
                OperandType.InlineField => TokenFor(info, module.ResolveField(Read(il, ins), typeArgs, methodArgs)!),
                OperandType.InlineType => info.GetTokenFor(module.ResolveType(Read(il, ins), typeArgs, methodArgs).TypeHandle),
                OperandType.InlineTok => TokenFor(info, module.ResolveMember(Read(il, ins), typeArgs, methodArgs)!),
                OperandType.InlineString => info.GetTokenFor(module.ResolveString(Read(il, ins))),
                OperandType.InlineSig => throw new NotSupportedException($"{original} uses calli; its IL cannot be cloned."),
                _ => null,
            };
            if (token is { } t)
            {
                BitConverter.TryWriteBytes(copy.AsSpan(ins.OperandOffset, 4), t);
            }
        }

        info.SetCode(copy, body.MaxStackSize);
        var locals = SignatureHelper.GetLocalVarSigHelper();
        foreach (var local in body.LocalVariables)
        {
            locals.AddArgument(local.LocalType, local.IsPinned);
        }

        info.SetLocalSignature(locals.GetSignature());
        if (body.ExceptionHandlingClauses.Count > 0)
        {
            info.SetExceptions(ExceptionSection(info, body.ExceptionHandlingClauses));
        }

        var handle = GetMethodDescriptor?.Invoke(clone, null) as RuntimeMethodHandle?
            ?? throw new NotSupportedException("DynamicMethod.GetMethodDescriptor is missing on this runtime.");
        return new ILClone(clone, handle.GetFunctionPointer());
    }

    private static int Read(byte[] il, ILInstructionWalker.Instruction ins) => BitConverter.ToInt32(il, ins.OperandOffset);

    private static int TokenFor(DynamicILInfo info, MemberInfo member) => member switch
    {
        MethodBase { DeclaringType: { IsGenericType: true } t } m => info.GetTokenFor(m.MethodHandle, t.TypeHandle),
        MethodBase m => info.GetTokenFor(m.MethodHandle),
        FieldInfo { DeclaringType: { IsGenericType: true } t } f => info.GetTokenFor(f.FieldHandle, t.TypeHandle),
        FieldInfo f => info.GetTokenFor(f.FieldHandle),
        Type t => info.GetTokenFor(t.TypeHandle),
        _ => throw new NotSupportedException($"Cannot re-issue a token for {member}."),
    };

    /// <summary>A fat-format exception section (ECMA-335 II.25.4.6) with class tokens re-issued.</summary>
    private static byte[] ExceptionSection(DynamicILInfo info, IList<ExceptionHandlingClause> clauses)
    {
        const int ClauseSize = 24;
        var bytes = new byte[4 + (clauses.Count * ClauseSize)];
        var size = bytes.Length;
        bytes[0] = 0x41; // CorILMethod_Sect_EHTable | CorILMethod_Sect_FatFormat
        bytes[1] = (byte)size;
        bytes[2] = (byte)(size >> 8);
        bytes[3] = (byte)(size >> 16);
        for (var i = 0; i < clauses.Count; i++)
        {
            var c = clauses[i];
            var span = bytes.AsSpan(4 + (i * ClauseSize));
            BitConverter.TryWriteBytes(span[0..], (int)c.Flags);
            BitConverter.TryWriteBytes(span[4..], c.TryOffset);
            BitConverter.TryWriteBytes(span[8..], c.TryLength);
            BitConverter.TryWriteBytes(span[12..], c.HandlerOffset);
            BitConverter.TryWriteBytes(span[16..], c.HandlerLength);
            var last = c.Flags switch
            {
                ExceptionHandlingClauseOptions.Clause => info.GetTokenFor(c.CatchType!.TypeHandle),
                ExceptionHandlingClauseOptions.Filter => c.FilterOffset,
                _ => 0,
            };
            BitConverter.TryWriteBytes(span[20..], last);
        }

        return bytes;
    }
}
