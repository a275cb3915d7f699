namespace Pytheus.Compat.PrometheusNet.Binding;

/// <summary>
/// What the redirected methods reach: set while a patch is active. A plain static field, read once per call, because
/// the replacements are static methods the JIT calls in place of prometheus-net's.
/// </summary>
internal static class PatchState
{
    private static MetricBinder? _binder;
    private static Exporter? _exporter;

    public static MetricBinder Binder => _binder ?? throw NotPatched();

    public static Exporter Exporter => _exporter ?? throw NotPatched();

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

    private static InvalidOperationException NotPatched() => new("A prometheus-net redirection ran while no patch is active.");
}
