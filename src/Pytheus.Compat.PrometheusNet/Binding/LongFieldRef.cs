using System.Reflection;
using System.Reflection.Emit;

namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>A reference to a 64-bit field inside a prometheus-net object, reachable although its types are internal.</summary>
internal delegate ref long LongFieldRef(object owner, int index);

/// <summary>
/// Builds <see cref="LongFieldRef"/> accessors with a small dynamic method (<c>ldflda</c> through a chain of fields,
/// optionally an array element on the way), so that escaped updates can be taken atomically with
/// <see cref="Interlocked.Exchange(ref long, long)"/>.
/// </summary>
internal static class LongFieldRefs
{
    /// <summary>Follows <paramref name="path"/> from an object of <paramref name="owner"/> type down to a long field.</summary>
    /// <param name="owner">The object type.</param>
    /// <param name="path">Fields to follow; an array-typed field is indexed with the accessor's index argument.</param>
    public static LongFieldRef Create(Type owner, params FieldInfo[] path)
    {
        var method = new DynamicMethod($"ref_{owner.Name}_{string.Join("_", path.Select(f => f.Name))}",
            typeof(long).MakeByRefType(), [typeof(object), typeof(int)], owner.Module, skipVisibility: true);
        var il = method.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Castclass, owner);
        for (var i = 0; i < path.Length; i++)
        {
            var field = path[i];
            if (field.FieldType.IsArray)
            {
                il.Emit(OpCodes.Ldfld, field);
                il.Emit(OpCodes.Ldarg_1);
                il.Emit(OpCodes.Ldelema, field.FieldType.GetElementType()!);
            }
            else
            {
                il.Emit(OpCodes.Ldflda, field);
            }
        }
        // A double field is handed out as its 64 bits (byrefs are untyped to the JIT), so it can be exchanged atomically.
        if (path[^1].FieldType != typeof(long) && path[^1].FieldType != typeof(double))
        {
            throw new InvalidOperationException($"Field path ending in {path[^1].Name} does not reach a 64-bit number.");
        }
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<LongFieldRef>();
    }
}
