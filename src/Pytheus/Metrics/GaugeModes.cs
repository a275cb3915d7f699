namespace Pytheus.Metrics;

/// <summary>What each <see cref="GaugeMode"/> implies, for backends and exposition.</summary>
public static class GaugeModes
{
    /// <summary>
    /// The label that names the writer (process) of each series of an <see cref="GaugeMode.All"/> or
    /// <see cref="GaugeMode.LiveAll"/> gauge; such a gauge may not declare a label of this name.
    /// </summary>
    public const string WriterLabel = "pytheus_writer";

    /// <summary>Whether the mode leaves out writers that stopped.</summary>
    public static bool IsLive(this GaugeMode mode) =>
        mode is GaugeMode.LiveSum or GaugeMode.LiveAll or GaugeMode.LiveMin or GaugeMode.LiveMax or GaugeMode.LiveMostRecent;

    /// <summary>Whether the mode keeps one value per writer (every mode but <see cref="GaugeMode.Shared"/>).</summary>
    public static bool IsPerWriter(this GaugeMode mode) => mode != GaugeMode.Shared;

    /// <summary>Whether the mode exposes one series per writer, labelled <see cref="WriterLabel"/>.</summary>
    public static bool HasWriterLabel(this GaugeMode mode) => mode is GaugeMode.All or GaugeMode.LiveAll;

    /// <summary>The mode's name as configuration and documentation spell it (<c>livesum</c>, <c>mostrecent</c>…).</summary>
    public static string ToConfigName(this GaugeMode mode) => mode.ToString().ToLowerInvariant();

    /// <summary>Parses a mode name as prometheus_client spells it (<c>livesum</c>, <c>all</c>, <c>mostrecent</c>…; case-insensitive) or <c>shared</c>.</summary>
    /// <exception cref="ArgumentException">The name is not a gauge mode; the message lists the valid ones.</exception>
    public static GaugeMode Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var mode in Enum.GetValues<GaugeMode>())
        {
            if (string.Equals(mode.ToConfigName(), name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return mode;
            }
        }
        throw new ArgumentException(
            $"'{name}' is not a gauge mode; use one of {string.Join(", ", Enum.GetValues<GaugeMode>().Select(m => m.ToConfigName()))}.", nameof(name));
    }
}
