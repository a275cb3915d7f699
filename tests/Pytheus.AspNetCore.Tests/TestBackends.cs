using Pytheus.Backends;
using Pytheus.Metrics;

namespace Pytheus.AspNetCore.Tests;

/// <summary>A plain local store (what a test backend hands out).</summary>
internal sealed class LocalStore : IValueStore
{
    private double _value;

    public void Inc(double amount)
    {
        lock (this)
        {
            _value += amount;
        }
    }

    public void Set(double value)
    {
        lock (this)
        {
            _value = value;
        }
    }

    public double Get()
    {
        lock (this)
        {
            return _value;
        }
    }
}

/// <summary>A collecting backend whose reads fail while <see cref="Failing"/> is set, with a multi-line message.</summary>
internal sealed class FailingBackend : ICollectingBackend
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(ValueDescriptor Descriptor, LocalStore Store)> _stores = new();

    public bool Failing { get; set; } = true;

    public IValueStore CreateStore(ValueDescriptor descriptor)
    {
        var store = new LocalStore();
        _stores.Enqueue((descriptor, store));
        return store;
    }

    public Task<IReadOnlyList<IReadOnlyList<SeriesSnapshot>>> CollectAsync(
        IReadOnlyList<MetricDefinition> families, CancellationToken cancellationToken = default)
    {
        if (Failing)
        {
            throw new InvalidOperationException("store unreachable\nsecond line\r\nthird line");
        }
        return Task.FromResult<IReadOnlyList<IReadOnlyList<SeriesSnapshot>>>(families.Select(Read).ToList());
    }

    private IReadOnlyList<SeriesSnapshot> Read(MetricDefinition definition)
    {
        var series = _stores.Where(s => ReferenceEquals(s.Descriptor.Definition, definition))
            .GroupBy(s => string.Join('\u0001', s.Descriptor.LabelValues));
        return series.Select(g => new SeriesSnapshot(
            [.. g.First().Descriptor.LabelValues],
            [.. g.OrderBy(s => s.Descriptor.Index).Select(s => s.Store.Get())])).ToList();
    }
}

/// <summary>A backend that records flushes and disposal, optionally slow to flush.</summary>
public sealed class FlushingBackend : IBackend, IAsyncDisposable
{
    public FlushingBackend()
    {
    }

    public FlushingBackend(BackendConfig config)
    {
        Config = config;
    }

    public BackendConfig? Config { get; }

    public TimeSpan FlushDelay { get; set; }

    public int Flushes { get; private set; }

    public bool FlushCancelled { get; private set; }

    public bool Disposed { get; private set; }

    public IValueStore CreateStore(ValueDescriptor descriptor) => new LocalStore();

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(FlushDelay, cancellationToken);
            Flushes++;
        }
        catch (OperationCanceledException)
        {
            FlushCancelled = true;
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}

/// <summary>Fails in its constructor with an exception that is not a Pytheus one.</summary>
public sealed class ExplodingBackend : IBackend
{
    public ExplodingBackend(BackendConfig config) => throw new InvalidOperationException("cannot reach the store");

    public IValueStore CreateStore(ValueDescriptor descriptor) => new LocalStore();
}
