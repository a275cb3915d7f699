namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>
/// What the redirected methods reach while a patch is active. Undoing a patch only clears this state: the detours stay
/// installed and their replacements, finding no binder, run prometheus-net's original code (an IL copy), so a call
/// racing with the undo, or a body compiled during it, behaves exactly as prometheus-net. No code is written to undo.
/// </summary>
internal static class PatchState
{
    private static MetricBinder? _binder;
    private static Exporter? _exporter;

    /// <summary>The binder of the active patch, or null when no patch is active.</summary>
    public static MetricBinder? Binder => Volatile.Read(ref _binder);

    /// <summary>The exporter of the active patch, or null when no patch is active.</summary>
    public static Exporter? Exporter => Volatile.Read(ref _exporter);

    public static void Activate(MetricBinder binder, Exporter exporter)
    {
        Volatile.Write(ref _exporter, exporter);
        Volatile.Write(ref _binder, binder);
    }

    public static void Deactivate()
    {
        Volatile.Write(ref _binder, null);
        Volatile.Write(ref _exporter, null);
    }
}
