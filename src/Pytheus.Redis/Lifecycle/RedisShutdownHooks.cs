using System.Runtime.InteropServices;

namespace Pytheus.Backends.Redis;

/// <summary>
/// Process-level hooks of a backend: <c>AppDomain.ProcessExit</c> disposes it (final flush), SIGTERM and SIGINT flush
/// it. Without a host that handles them, those signals end a .NET process without raising ProcessExit; with a host that
/// cancels them to shut down gracefully (ASP.NET Core), the backend keeps working until ProcessExit.
/// </summary>
internal sealed class RedisShutdownHooks : IDisposable
{
    private readonly Action _onProcessExit;
    private readonly Action _onTerminationSignal;
    private readonly PosixSignalRegistration?[] _signals;

    public RedisShutdownHooks(Action onProcessExit, Action onTerminationSignal)
    {
        _onProcessExit = onProcessExit;
        _onTerminationSignal = onTerminationSignal;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        _signals = [Register(PosixSignal.SIGTERM), Register(PosixSignal.SIGINT)];
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        foreach (var registration in _signals)
        {
            registration?.Dispose();
        }
    }

    private PosixSignalRegistration? Register(PosixSignal signal)
    {
        try
        {
            return PosixSignalRegistration.Create(signal, _ => _onTerminationSignal());
        }
        catch (Exception e) when (e is PlatformNotSupportedException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => _onProcessExit();
}
