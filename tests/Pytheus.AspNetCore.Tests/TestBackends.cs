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
    public bool Failing { get; set; } = true;

    public IValueStore CreateStore(ValueDescriptor descriptor) => new LocalStore();

    public Task<IReadOnlyList<IReadOnlyList<SeriesSnapshot>>> CollectAsync(
        IReadOnlyList<MetricFamily> families, CancellationToken cancellationToken = default)
    {
        if (Failing)
        {
            throw new InvalidOperationException("store unreachable\nsecond line\r\nthird line");
        }
        return Task.FromResult<IReadOnlyList<IReadOnlyList<SeriesSnapshot>>>(families.Select(f => f.CollectLocal()).ToList());
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
