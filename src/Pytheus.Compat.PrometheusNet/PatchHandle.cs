using Microsoft.Extensions.Logging;

namespace Pytheus.Compat.PrometheusNet;

/// <summary>The active patch. Disposing it is <see cref="Compat.UnpatchClient"/>.</summary>
public sealed class PatchHandle : IDisposable
{
    private readonly ILogger _logger;
    private readonly IDisposable? _harvesting;
    private int _undone;

    internal PatchHandle(PatchReport report, ILogger logger, IDisposable? harvesting = null)
    {
        _harvesting = harvesting;
        Report = report;
        _logger = logger;
    }

    /// <summary>What the patch did and found.</summary>
    public PatchReport Report { get; }

    /// <summary>Whether the patch is still active.</summary>
    public bool IsActive => Volatile.Read(ref _undone) == 0;

    /// <summary>Undoes the patch.</summary>
    public void Dispose()
    {
        if (ReferenceEquals(Compat.Active, this))
        {
            Compat.UnpatchClient();
        }
    }

    internal void MarkUndone()
    {
        if (Interlocked.Exchange(ref _undone, 1) == 0)
        {
            _harvesting?.Dispose();
            Log.Unpatched(_logger);
        }
    }
}
