using Pytheus.Backends;
using Pytheus.Backends.InProcess;

namespace Pytheus.Tests.Backends;

/// <summary>A user-written backend: records every descriptor it is asked for and the configuration it was built with.</summary>
public sealed class RecordingBackend : IBackend
{
    public RecordingBackend()
    {
        Config = null;
    }

    public RecordingBackend(BackendConfig config)
    {
        Config = config;
    }

    public BackendConfig? Config { get; }

    public List<(ValueDescriptor Descriptor, IValueStore Store)> Created { get; } = [];

    public IValueStore CreateStore(ValueDescriptor descriptor)
    {
        var store = new AtomicDouble();
        lock (Created)
        {
            Created.Add((descriptor, store));
        }
        return store;
    }
}

/// <summary>Reads a typed key in its constructor, as a real backend would.</summary>
public sealed class PortReadingBackend : IBackend
{
    public PortReadingBackend(BackendConfig config)
    {
        Port = config.GetInt64("port", 6379);
    }

    public long Port { get; }

    public IValueStore CreateStore(ValueDescriptor descriptor) => new AtomicDouble();
}

/// <summary>Has no constructor the loader can use.</summary>
public sealed class NoUsableConstructorBackend(string name) : IBackend
{
    public string Name { get; } = name;

    public IValueStore CreateStore(ValueDescriptor descriptor) => new AtomicDouble();
}

/// <summary>Fails in its constructor with an exception that is not a Pytheus one.</summary>
public sealed class ExplodingBackend : IBackend
{
    public ExplodingBackend(BackendConfig config) => throw new InvalidOperationException("cannot reach the store");

    public IValueStore CreateStore(ValueDescriptor descriptor) => new AtomicDouble();
}
