using System.Globalization;
using System.Reflection;

namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>Checks the layout against facts the runtime exposes independently, before the engine relies on it.</summary>
internal static unsafe class RuntimeLayoutValidator
{
    public static void Validate(RuntimeLayout layout, string where)
    {
        // The runtime itself sets "not inline" for [MethodImpl(NoInlining)] methods: the flag word must show it
        // there and not on an ordinary method.
        var access = new MethodDescAccess(layout);
        var noInlining = typeof(InstallProbes).GetMethod(nameof(InstallProbes.NativeTarget), BindingFlags.NonPublic | BindingFlags.Static)!;
        var ordinary = typeof(InstallProbes).GetMethod(nameof(InstallProbes.SubstitutionReplacement), BindingFlags.NonPublic | BindingFlags.Static)!;
        if (!access.IsNotInline(noInlining.MethodHandle.Value) || access.IsNotInline(ordinary.MethodHandle.Value))
        {
            throw RuntimeSupportGate.Refuse(where, $"MethodDesc flags at offset {layout.MethodDescFlags} do not look as expected");
        }

        // MethodTable::m_pModule must agree with the Module* reflection keeps in RuntimeModule.m_pData.
        var moduleData = typeof(object).Assembly.GetType("System.Reflection.RuntimeModule")
            ?.GetField("m_pData", BindingFlags.NonPublic | BindingFlags.Instance);
        foreach (var type in new[] { typeof(object), typeof(RuntimeLayoutValidator) })
        {
            var fromMethodTable = *(nint*)(type.TypeHandle.Value + layout.MethodTableModule);
            if (moduleData?.GetValue(type.Module) is not nint fromReflection || fromReflection != fromMethodTable)
            {
                throw RuntimeSupportGate.Refuse(where, $"MethodTable.Module at offset {layout.MethodTableModule} could not be confirmed");
            }
        }
    }

    /// <summary>Executable mappings of a loaded library (where the runtime's own prestub lives).</summary>
    public static (nint Start, nint End)[] ExecutableRanges(string libraryFileName)
    {
        var ranges = new List<(nint, nint)>();
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 6 || parts[1][2] != 'x' || !parts[5].EndsWith("/" + libraryFileName, StringComparison.Ordinal))
            {
                continue;
            }

            var bounds = parts[0].Split('-');
            ranges.Add((
                (nint)long.Parse(bounds[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                (nint)long.Parse(bounds[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
        }

        return [.. ranges];
    }
}
