using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>
/// Settings of a <see cref="RedisBackend"/> for code; <see cref="FromConfig"/> reads the same settings from a
/// <see cref="BackendConfig"/> (pytheus's keys plus a few of ours, see <c>docs/redis-backend.md</c>).
/// </summary>
public sealed class RedisBackendOptions
{
    /// <summary>The configuration keys <see cref="FromConfig"/> accepts.</summary>
    public static readonly IReadOnlyList<string> ConfigKeys =
    [
        "host", "port", "db", "password", "expire_key_time", "key_prefix", "connection_string", "flush_interval_ms",
        "shutdown_timeout_ms", "scrape_timeout_ms", "liveness_grace_ms", "dead_writer_retention_ms", "service_name",
    ];

    /// <summary>Redis host when no <see cref="ConnectionString"/> is given. Config key <c>host</c>.</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>Redis port when no <see cref="ConnectionString"/> is given. Config key <c>port</c>.</summary>
    public int Port { get; set; } = 6379;

    /// <summary>Database number. Config key <c>db</c>.</summary>
    public int Database { get; set; }

    /// <summary>Password (applied on top of <see cref="ConnectionString"/> when both are given). Config key <c>password</c>.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// A StackExchange.Redis configuration string (<c>host:port,ssl=true,user=metrics,password=…,connectTimeout=2000</c>);
    /// replaces <see cref="Host"/> and <see cref="Port"/>. Config key <c>connection_string</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The Redis Sentinel service (the <c>sentinel monitor &lt;name&gt;</c> name) whose primary to use: the endpoints
    /// (<see cref="Host"/>/<see cref="Port"/> or <see cref="ConnectionString"/>) are then the sentinels, and the backend
    /// follows the primary through failovers. Same as <c>serviceName=…</c> in <see cref="ConnectionString"/>. Config key
    /// <c>service_name</c>.
    /// </summary>
    public string? ServiceName { get; set; }

    /// <summary>An existing connection to use instead of opening one (it is not disposed with the backend).</summary>
    public IConnectionMultiplexer? Connection { get; set; }

    /// <summary>
    /// Namespace of every key this backend writes and reads, isolating services that share a Redis. Config key
    /// <c>key_prefix</c>; default <c>pytheus</c>. Must not contain <c>{</c> or <c>}</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "pytheus";

    /// <summary>
    /// Time to live of every key, refreshed on write, on scrape, and — for the families a living process holds — by its
    /// idle checks, so only families no living process holds expire. Config key <c>expire_key_time</c> (seconds); default 1 hour.
    /// </summary>
    public TimeSpan ExpireKeyTime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often pending changes are sent. <see cref="TimeSpan.Zero"/> sends them as soon as possible (the flusher wakes on
    /// every change, coalescing those made while a flush is in flight) — the closest to pytheus's write-through timing
    /// that does not make callers wait. Config key <c>flush_interval_ms</c>; default 1 second.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long <see cref="RedisBackend.Dispose"/> (and process exit) waits for the last flush. Config key <c>shutdown_timeout_ms</c>; default 5 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a scrape waits for Redis before failing. Config key <c>scrape_timeout_ms</c>; default 5 s.</summary>
    public TimeSpan ScrapeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Added to three heartbeat periods to make the liveness timeout: a writer (process) silent for longer is dead,
    /// and the <c>Live</c> gauge modes leave it out. The heartbeat period is the flush interval (1 s when that is
    /// zero), so the default timeout is 3 × 1 s + 5 s = 8 s. Config key <c>liveness_grace_ms</c>; default 5 s.
    /// </summary>
    public TimeSpan LivenessGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a dead writer's per-writer gauge values stay — shown by the non-live modes (<c>sum</c>, <c>all</c>,
    /// <c>min</c>, <c>max</c>, <c>mostrecent</c>) — before the first survivor to notice removes them. Config key
    /// <c>dead_writer_retention_ms</c>; default 10 minutes.
    /// </summary>
    public TimeSpan DeadWriterRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The silence after which a writer is dead: three heartbeat periods plus <see cref="LivenessGrace"/>.</summary>
    public TimeSpan LivenessTimeout => 3 * HeartbeatPeriod + LivenessGrace;

    /// <summary>
    /// How often a writer announces itself: every flush interval (once a second when flushes are immediate), and at
    /// least three times per <see cref="ExpireKeyTime"/> so that a living writer's keys never expire.
    /// </summary>
    internal TimeSpan HeartbeatPeriod
    {
        get
        {
            var period = FlushInterval > TimeSpan.Zero ? FlushInterval : TimeSpan.FromSeconds(1);
            return period < ExpireKeyTime / 3 ? period : ExpireKeyTime / 3;
        }
    }

    /// <summary>Where the backend logs (connection trouble, recovery, dropped batches). Null means no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Clock for the flush interval and the self-metrics; tests pass a fake one. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Reads options from a backend configuration, rejecting unknown keys.</summary>
    /// <exception cref="InvalidBackendConfigException">A key is unknown, of the wrong type or out of range; the message names it.</exception>
    public static RedisBackendOptions FromConfig(BackendConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.RejectUnknownKeys(nameof(RedisBackend), [.. ConfigKeys]);
        var options = new RedisBackendOptions
        {
            ConnectionString = config.GetString("connection_string"),
            Host = config.GetString("host") ?? "localhost",
            Port = (int)InRange(config, "port", config.GetInt64("port", 6379), 1, 65535),
            Database = (int)InRange(config, "db", config.GetInt64("db", 0), 0, int.MaxValue),
            Password = config.GetString("password"),
            ServiceName = config.GetString("service_name"),
            KeyPrefix = config.GetString("key_prefix") ?? "pytheus",
            ExpireKeyTime = TimeSpan.FromSeconds(InRange(config, "expire_key_time", config.GetInt64("expire_key_time", 3600), 1, int.MaxValue)),
            FlushInterval = TimeSpan.FromMilliseconds(InRange(config, "flush_interval_ms", config.GetInt64("flush_interval_ms", 1000), 0, int.MaxValue)),
            ShutdownTimeout = TimeSpan.FromMilliseconds(InRange(config, "shutdown_timeout_ms", config.GetInt64("shutdown_timeout_ms", 5000), 0, int.MaxValue)),
            ScrapeTimeout = TimeSpan.FromMilliseconds(InRange(config, "scrape_timeout_ms", config.GetInt64("scrape_timeout_ms", 5000), 1, int.MaxValue)),
            LivenessGrace = TimeSpan.FromMilliseconds(InRange(config, "liveness_grace_ms", config.GetInt64("liveness_grace_ms", 5000), 0, int.MaxValue)),
            DeadWriterRetention = TimeSpan.FromMilliseconds(InRange(config, "dead_writer_retention_ms", config.GetInt64("dead_writer_retention_ms", 600_000), 0, int.MaxValue)),
        };
        if (options.ConnectionString is not null && (config.Contains("host") || config.Contains("port")))
        {
            throw new InvalidBackendConfigException(
                "Backend config keys 'connection_string' and 'host'/'port' exclude each other: give the server in 'connection_string' only.");
        }
        options.Validate("key_prefix", "connection_string");
        return options;
    }

    /// <summary>Checks the settings and builds the StackExchange.Redis configuration.</summary>
    internal ConfigurationOptions Validate(string prefixName = nameof(KeyPrefix), string connectionStringName = nameof(ConnectionString))
    {
        if (string.IsNullOrEmpty(KeyPrefix) || KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            throw new InvalidBackendConfigException(
                $"Backend config key '{prefixName}' must be a non-empty string without '{{' or '}}', got \"{KeyPrefix}\".");
        }
        if (ExpireKeyTime < TimeSpan.FromSeconds(1) || FlushInterval < TimeSpan.Zero || ShutdownTimeout < TimeSpan.Zero || ScrapeTimeout <= TimeSpan.Zero
            || LivenessGrace < TimeSpan.Zero || DeadWriterRetention < TimeSpan.Zero)
        {
            throw new InvalidBackendConfigException(
                $"Redis backend options out of range: {nameof(ExpireKeyTime)} must be at least 1 s, intervals, grace, retention and timeouts not negative.");
        }
        ConfigurationOptions configuration;
        if (ConnectionString is not null)
        {
            try
            {
                configuration = ConfigurationOptions.Parse(ConnectionString);
            }
            catch (Exception e) when (e is ArgumentException or RedisConnectionException)
            {
                throw new InvalidBackendConfigException($"Backend config key '{connectionStringName}' is not a valid StackExchange.Redis configuration: {e.Message}", e);
            }
            if (configuration.EndPoints.Count == 0)
            {
                throw new InvalidBackendConfigException($"Backend config key '{connectionStringName}' names no server (e.g. \"localhost:6379,password=…\").");
            }
        }
        else
        {
            configuration = new ConfigurationOptions { EndPoints = { { Host, Port } } };
        }
        if (Password is not null)
        {
            configuration.Password = Password;
        }
        if (ServiceName is not null)
        {
            configuration.ServiceName = ServiceName;
        }
        configuration.DefaultDatabase = Database;
        // Never fail the application because Redis is down: connect in the background and keep retrying.
        configuration.AbortOnConnectFail = false;
        // While disconnected, fail commands at once instead of queueing them: the backend keeps the changes itself.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ClientName ??= "pytheus";
        return configuration;
    }

    private static long InRange(BackendConfig config, string key, long value, long min, long max) =>
        value >= min && value <= max ? value
        : throw new InvalidBackendConfigException($"Backend config key '{key}' must be between {min} and {max}, got {value}.");
}
