using System.Reflection;

namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>
/// The IL the JIT compiles for a detoured method instead of its own: <c>ldarg.0 … ldarg.n; call replacement; ret</c>.
/// Because it is the target's real body, every body the runtime ever produces for the target (tier 0, instrumented,
/// tier 1, FullOpts) calls the replacement, and the JIT may even inline the replacement into it.
/// </summary>
internal static class ForwarderIL
{
    public static byte[] Build(int argumentCount, MethodInfo replacement)
    {
        var il = new List<byte>(argumentCount * 2 + 6);
        for (var i = 0; i < argumentCount; i++)
        {
            if (i <= 3)
            {
                il.Add((byte)(0x02 + i)); // ldarg.0 .. ldarg.3
            }
            else if (i <= byte.MaxValue)
            {
                il.Add(0x0E); // ldarg.s
                il.Add((byte)i);
            }
            else
            {
                throw new ArgumentException("Methods with more than 255 parameters are not supported.", nameof(argumentCount));
            }
        }

        // The token is resolved in the replacement's module: the hook sets CORINFO_METHOD_INFO.scope to it.
        il.Add(0x28); // call
        il.AddRange(BitConverter.GetBytes(replacement.MetadataToken));
        il.Add(0x2A); // ret
        return [.. il];
    }
}
