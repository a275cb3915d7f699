namespace Pytheus.Backends;

/// <summary>
/// A storage backend: it creates the <see cref="IValueStore"/> behind every stored number of the metrics created
/// while it is current (see <see cref="Backend.Current"/>).
/// </summary>
/// <remarks>
/// A backend type loaded by name (<see cref="Backend.LoadBackend(Type?, BackendConfig?)"/> or
/// <c>PYTHEUS_BACKEND_CLASS</c>) needs a public constructor taking a <see cref="BackendConfig"/> (its one-time
/// initialisation hook) or a public parameterless one.
/// </remarks>
public interface IBackend
{
    /// <summary>Creates the store for one number of one series. Called once per number, off the hot path.</summary>
    IValueStore CreateStore(ValueDescriptor descriptor);

    /// <summary>
    /// Tells the backend that this process removed a series of the metric <paramref name="definition"/> defines
    /// (<c>RemoveLabelValues</c>), so that it can free what it holds for it. Views the application kept may still
    /// write to the series' stores. The default does nothing.
    /// </summary>
    void ReleaseSeries(Metrics.MetricDefinition definition, IReadOnlyList<string> labelValues)
    {
    }
}
