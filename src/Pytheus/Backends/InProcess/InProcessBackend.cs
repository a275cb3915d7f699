namespace Pytheus.Backends.InProcess;

/// <summary>
/// The default backend: every number lives in this process's memory, updated lock-free.
/// </summary>
public sealed class InProcessBackend : IBackend
{
    /// <summary>Creates the backend; it takes no configuration.</summary>
    public InProcessBackend() { }

    /// <summary>Creates the backend from a configuration, which must be empty.</summary>
    public InProcessBackend(BackendConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.RejectUnknownKeys(nameof(InProcessBackend));
    }

    /// <inheritdoc />
    public IValueStore CreateStore(ValueDescriptor descriptor) =>
        descriptor.Kind is ValueKind.Bucket or ValueKind.Count or ValueKind.NativeZeroCount or ValueKind.NativeBucket or ValueKind.SketchBucket
            ? new AtomicCount() : new AtomicDouble();
}
