using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>
/// The backend's connection: made — and remade — in the background, so creating the backend never waits for Redis.
/// Closed on disposal only if the backend opened it. With a Sentinel service name, the primary the sentinels name
/// (<see cref="SentinelPrimary"/>).
/// </summary>
internal sealed class RedisConnection
{
    private readonly Task<IConnectionMultiplexer>? _connection;
    private readonly SentinelPrimary? _sentinel;
    private readonly bool _owned;
    private readonly int _database;

    public RedisConnection(RedisBackendOptions options, ConfigurationOptions configuration, ILogger logger)
    {
        _database = options.Database;
        if (options.Connection is { } existing)
        {
            _connection = Task.FromResult(existing);
        }
        else if (!string.IsNullOrEmpty(configuration.ServiceName))
        {
            _sentinel = new SentinelPrimary(configuration, logger);
        }
        else
        {
            _owned = true;
            _connection = ConnectAsync(configuration, logger);
        }
    }

    public bool IsConnected => _sentinel?.IsConnected ?? (_connection!.IsCompletedSuccessfully && _connection.Result.IsConnected);

    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public async Task<IDatabase> GetDatabaseAsync(CancellationToken cancellationToken) =>
        (_sentinel is null
            ? await _connection!.WaitAsync(cancellationToken).ConfigureAwait(false)
            : await _sentinel.GetAsync(cancellationToken).ConfigureAwait(false)).GetDatabase(_database);

    /// <summary>Closes the connection if the backend opened it; commands still waiting fail at once.</summary>
    public async Task CloseAsync()
    {
        if (_sentinel is not null)
        {
            await _sentinel.CloseAsync().ConfigureAwait(false);
        }
        else if (_owned && _connection!.IsCompletedSuccessfully)
        {
            await _connection.Result.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            _connection.Result.Dispose();
        }
    }

    private static async Task<IConnectionMultiplexer> ConnectAsync(ConfigurationOptions configuration, ILogger logger)
    {
        try
        {
            return await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or System.Net.Sockets.SocketException or ArgumentException)
        {
            Log.ConnectFailed(logger, e);
            throw;
        }
    }
}
