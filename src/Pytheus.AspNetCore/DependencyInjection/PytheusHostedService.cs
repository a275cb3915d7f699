using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pytheus.Backends;
using Pytheus.Backends.InProcess;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.AspNetCore;

/// <summary>
/// Creates the backend when the host starts (so that it is <see cref="Backend.Current"/> before the application creates
/// metrics and serves requests) and, on graceful shutdown, flushes it (a public <c>FlushAsync(CancellationToken)</c>)
/// and disposes it (<see cref="IAsyncDisposable"/> or <see cref="IDisposable"/>) within the host's shutdown timeout.
/// </summary>
/// <remarks>
/// Hosted services stop in reverse order of registration, and ASP.NET Core's server is registered after the
/// application's services: by the time this runs, the server has stopped taking requests, so the last requests'
/// values are in the flush.
/// </remarks>
public sealed class PytheusHostedService : IHostedService
{
    private readonly IBackend _backend;
    private readonly PytheusOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the service; the backend is resolved (created) here.</summary>
    public PytheusHostedService(IBackend backend, IOptions<PytheusOptions> options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(options);
        _backend = backend;
        _options = options.Value;
        _logger = (ILogger?)loggerFactory?.CreateLogger(Log.Category) ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    /// <remarks>Warns when metrics of the registry were created on another backend before this one was loaded.</remarks>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.SetAsCurrentBackend && _backend is not InProcessBackend)
        {
            var strays = (_options.Registry ?? CollectorRegistry.Default).Collectors.OfType<MetricFamily>()
                .Where(f => !ReferenceEquals(f.Backend, _backend) && f.Backend is InProcessBackend)
                .ToList();
            if (strays.Count > 0)
            {
                Log.MetricsOnOtherBackend(_logger, strays.Count, strays[0].Backend.GetType().Name, _backend.GetType().Name, strays[0].Name);
            }
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks><paramref name="cancellationToken"/> is cancelled when the host's shutdown timeout expires.</remarks>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_options.FlushOnShutdown)
        {
            return;
        }
        var name = _backend.GetType().Name;
        try
        {
            await FlushAsync(_backend, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.FlushTimedOut(_logger, name);
        }
        catch (Exception e)
        {
            Log.FlushFailed(_logger, e, name);
        }
        try
        {
            switch (_backend)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.FlushTimedOut(_logger, name);
        }
        catch (Exception e)
        {
            Log.DisposeFailed(_logger, e, name);
        }
    }

    /// <summary>Calls the backend's public <c>Task FlushAsync(CancellationToken)</c> when it has one.</summary>
    internal static Task FlushAsync(IBackend backend, CancellationToken cancellationToken)
    {
        var flush = backend.GetType().GetMethod(
            "FlushAsync", BindingFlags.Public | BindingFlags.Instance, [typeof(CancellationToken)]);
        if (flush is null || !typeof(Task).IsAssignableFrom(flush.ReturnType))
        {
            return Task.CompletedTask;
        }
        return ((Task)flush.Invoke(backend, [cancellationToken])!).WaitAsync(cancellationToken);
    }
}
