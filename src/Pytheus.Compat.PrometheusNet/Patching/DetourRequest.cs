using System.Reflection;

namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>Checks that a target/replacement pair has a shape the engine handles, before anything is touched.</summary>
internal static class DetourRequest
{
    public static void Validate(MethodBase target, MethodInfo replacement)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(replacement);
        var type = target.DeclaringType ?? throw new ArgumentException("Global methods are not supported.", nameof(target));
        if (target is System.Reflection.Emit.DynamicMethod || target.IsAbstract || target.ContainsGenericParameters
            || target.IsGenericMethod || type.IsGenericType || target.GetMethodBody() is null)
        {
            throw new ArgumentException($"{Describe(target)} must be a non-generic method with an IL body.", nameof(target));
        }

        if (type.IsValueType && !target.IsStatic)
        {
            throw new ArgumentException($"{Describe(target)}: instance methods of structs are not supported.", nameof(target));
        }

        if (target.CallingConvention.HasFlag(CallingConventions.VarArgs))
        {
            throw new ArgumentException($"{Describe(target)}: varargs methods are not supported.", nameof(target));
        }

        // The forwarding IL is compiled as part of the target's class; the JIT checks access from there.
        if (!replacement.IsStatic || !replacement.IsPublic || replacement.IsGenericMethod || !IsPublicType(replacement.DeclaringType))
        {
            throw new ArgumentException(
                $"{Describe(replacement)} must be a public static non-generic method of a public non-generic type.", nameof(replacement));
        }

        var expected = target.GetParameters().Select(p => p.ParameterType).ToList();
        if (!target.IsStatic)
        {
            expected.Insert(0, type);
        }

        var actual = replacement.GetParameters().Select(p => p.ParameterType).ToList();
        var returnType = target is MethodInfo mi ? mi.ReturnType : typeof(void);
        // A parameter whose type the replacement cannot name (internal to the target's assembly) may be taken as
        // object: a reference is passed unchanged whatever its static type.
        var parametersMatch = expected.Count == actual.Count
            && expected.Zip(actual).All(p => p.First == p.Second || (p.Second == typeof(object) && !p.First.IsValueType && !p.First.IsByRef));
        if (!parametersMatch || replacement.ReturnType != returnType)
        {
            throw new ArgumentException(
                $"{Describe(replacement)} must take ({string.Join(", ", expected.Select(t => t.Name))}) and return {returnType.Name}.",
                nameof(replacement));
        }

        // A jump between an instance and a static method is ABI-neutral except for hidden return buffers.
        if (returnType.IsValueType && !returnType.IsPrimitive && !returnType.IsEnum && returnType != typeof(void))
        {
            throw new ArgumentException($"{Describe(target)}: struct return types are not supported.", nameof(target));
        }
    }

    public static string Describe(MethodBase m) => $"{m.DeclaringType?.FullName}.{m.Name}";

    private static bool IsPublicType(Type? t)
    {
        for (; t is not null; t = t.DeclaringType)
        {
            if (t.IsGenericType || !(t.IsPublic || t.IsNestedPublic))
            {
                return false;
            }
        }

        return true;
    }
}
