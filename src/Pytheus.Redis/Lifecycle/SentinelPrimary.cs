using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>
/// The primary of a Redis Sentinel service, followed through failovers: the sentinels are asked who the primary is at
/// most once per <see cref="CheckInterval"/> (when the backend next needs the connection), and when they name another
/// server the backend connects to it and closes the old connection.
/// <para>
/// Why not StackExchange.Redis's own <c>serviceName=</c> connection: it switches only when the new primary is not
/// already one of its endpoints, and it lists the replicas among them — so after the sentinels promote the replica it
/// relies on its connection to that server coming back by itself, which the promotion's <c>CLIENT KILL</c> can leave
/// broken for good (seen in <c>RedisSentinelTests</c>: a process never flushed again). Asking the sentinels and
/// connecting to exactly the server they name is simple and deterministic. A batch in flight on the old connection
/// fails and is resent unchanged to the new primary; its sequence number keeps it from being applied twice.
/// </para>
/// </summary>
internal sealed class SentinelPrimary
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly ConfigurationOptions _primaryConfiguration;
    private readonly string _serviceName;
    private readonly ILogger _logger;
    private readonly ConfigurationOptions _sentinelConfiguration;
    private Task<ConnectionMultiplexer> _sentinels;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnectionMultiplexer? _primary;
    private EndPoint? _address;
    private long _lastCheck;
    private bool _closed;

    public SentinelPrimary(ConfigurationOptions configuration, ILogger logger)
    {
        _serviceName = configuration.ServiceName!;
        _logger = logger;
        _sentinelConfiguration = configuration.Clone();
        _sentinelConfiguration.ServiceName = null;
        _sentinels = ConnectionMultiplexer.SentinelConnectAsync(_sentinelConfiguration);
        _primaryConfiguration = configuration.Clone();
        _primaryConfiguration.ServiceName = null;
    }

    public bool IsConnected => Volatile.Read(ref _primary) is { IsConnected: true };

    /// <summary>The connection to the primary the sentinels name now (asked at most once per <see cref="CheckInterval"/>).</summary>
    /// <exception cref="RedisConnectionException">No sentinel answered, or none names a primary, and there is no earlier one.</exception>
    public async Task<IConnectionMultiplexer> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _primary) is { } current && Elapsed(Volatile.Read(ref _lastCheck)) < CheckInterval)
        {
            return current;
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_primary is { } fresh && Elapsed(_lastCheck) < CheckInterval)
            {
                return fresh;
            }
            ObjectDisposedException.ThrowIf(_closed, this);
            var address = await AskAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _lastCheck, Environment.TickCount64);
            if (address is null)
            {
                return _primary ?? throw new RedisConnectionException(
                    ConnectionFailureType.UnableToConnect, $"No sentinel names a primary for service '{_serviceName}'.");
            }
            if (_primary is null || !address.Equals(_address))
            {
                var configuration = _primaryConfiguration.Clone();
                configuration.EndPoints.Clear();
                configuration.EndPoints.Add(address);
                var next = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
                var previous = _primary;
                if (previous is not null)
                {
                    Log.SentinelSwitched(_logger, _serviceName, _address?.ToString() ?? "?", address.ToString() ?? "?");
                }
                (_primary, _address) = (next, address);
                if (previous is not null)
                {
                    await previous.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
                    previous.Dispose();
                }
            }
            return _primary;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task CloseAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _closed = true;
            if (_primary is { } primary)
            {
                await primary.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
                primary.Dispose();
            }
            if (_sentinels.IsCompletedSuccessfully)
            {
                await _sentinels.Result.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
                _sentinels.Result.Dispose();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<EndPoint?> AskAsync(CancellationToken cancellationToken)
    {
        if (_sentinels.IsFaulted)
        {
            // Connecting to the sentinels failed outright (not merely "not yet"): try again now.
            _sentinels = ConnectionMultiplexer.SentinelConnectAsync(_sentinelConfiguration);
        }
        var sentinels = await _sentinels.WaitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var endpoint in sentinels.GetEndPoints())
        {
            try
            {
                if (await sentinels.GetServer(endpoint).SentinelGetMasterAddressByNameAsync(_serviceName).ConfigureAwait(false) is { } address)
                {
                    return address;
                }
            }
            catch (RedisException)
            {
                // That sentinel is down or does not know the service: ask the next.
            }
        }
        return null;
    }

    private static TimeSpan Elapsed(long since) => TimeSpan.FromMilliseconds(Environment.TickCount64 - since);
}
