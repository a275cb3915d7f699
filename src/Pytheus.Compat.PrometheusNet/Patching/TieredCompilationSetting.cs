namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>Whether the process runs without tiered compilation, from the same knobs the runtime reads.</summary>
internal static class TieredCompilationSetting
{
    public static bool IsDisabled { get; } = Read();

    private static bool Read()
    {
        // Environment knobs win over runtimeconfig.json, as in the runtime's CLRConfig.
        foreach (var name in new[] { "DOTNET_TieredCompilation", "COMPlus_TieredCompilation" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                return value.Trim() == "0";
            }
        }

        return AppContext.GetData("System.Runtime.TieredCompilation") is { } data
            && string.Equals(data.ToString(), "false", StringComparison.OrdinalIgnoreCase);
    }
}
