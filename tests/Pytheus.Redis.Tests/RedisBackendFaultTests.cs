using System.Net;
using System.Net.Sockets;
using Pytheus.Backends;
using Pytheus.Backends.Redis;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Redis.Tests;

[Collection(RedisCollection.Name)]
public class RedisBackendFaultTests(RedisServer server) : RedisTestBase(server)
{
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static RedisBackend Unreachable(Action<RedisBackendOptions>? configure = null)
    {
        var options = new RedisBackendOptions
        {
            ConnectionString = $"127.0.0.1:{ClosedPort()},connectTimeout=500,asyncTimeout=1000",
            FlushInterval = TimeSpan.FromMilliseconds(20),
            ScrapeTimeout = TimeSpan.FromSeconds(2),
            ShutdownTimeout = TimeSpan.FromMilliseconds(200),
        };
        configure?.Invoke(options);
        return new RedisBackend(options);
    }

    [Fact]
    public async Task Unreachable_redis_never_throws_into_callers_and_the_backend_reports_it()
    {
        using var backend = Unreachable();
        var registry = new CollectorRegistry();
        var counter = On(backend, () => new Counter("down_total", "d", ["k"], registry: registry));
        var gauge = On(backend, () => new Gauge("down_gauge", "d", registry: registry));
        var health = new CollectorRegistry();
        health.Register(backend.Metrics);

        for (var i = 0; i < 100_000; i++)
        {
            counter.Labels(("k", (i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture))).Inc();
            gauge.Set(i);
        }
        await RedisBackendTests.Eventually(() => RedisBackendTests.Value(Scrape(health), "pytheus_redis_flush_failures_total") >= 2);

        counter.Labels(("k", "3")).Get().ShouldBe(10_000);
        gauge.Get().ShouldBe(99_999);
        var text = Scrape(health);
        RedisBackendTests.Value(text, "pytheus_redis_pending_series").ShouldBe(11); // 10 counter series + the gauge
        RedisBackendTests.Value(text, "pytheus_redis_flushes_total").ShouldBe(0);
        await Should.ThrowAsync<StackExchange.Redis.RedisException>(() => backend.FlushAsync());
    }

    [Fact]
    public async Task A_scrape_fails_with_an_exception_when_redis_is_unreachable_and_the_endpoint_answers_503()
    {
        using var backend = Unreachable();
        var registry = new CollectorRegistry();
        On(backend, () => new Counter("scraped_total", "s", registry: registry)).Inc();

        var failure = await Should.ThrowAsync<Exception>(() => MetricsExposition.GenerateMetricsAsync(registry));
        (failure is StackExchange.Redis.RedisException or TimeoutException).ShouldBeTrue(failure.ToString());

        var port = ClosedPort();
        using var metricsServer = new MetricsServer(port, registry: registry).Start();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var response = await http.GetAsync(metricsServer.Url);
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync()).ShouldStartWith("Metrics are unavailable");
    }

    [Fact]
    public async Task Changes_made_while_redis_is_down_are_applied_when_it_comes_back()
    {
        using var redis = new RedisServer();
        var registry = new CollectorRegistry();
        var backend = NewBackend(o =>
        {
            o.ConnectionString = redis.ConnectionString + ",connectRetry=1";
            o.FlushInterval = TimeSpan.FromMilliseconds(20);
        });
        var counter = On(backend, () => new Counter("outage_total", "o", ["t"], registry: registry));
        var histogram = On(backend, () => new Histogram("outage_seconds", "o", buckets: [0.5], registry: registry));
        var health = new CollectorRegistry();
        health.Register(backend.Metrics);
        const int threads = 3;
        var done = new long[threads];
        var errors = 0;
        var stop = false;
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var mine = counter.Labels(("t", t.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var shared = counter.Labels(("t", "shared"));
            long n = 0;
            while (!Volatile.Read(ref stop))
            {
                try
                {
                    mine.Inc();
                    shared.Inc();
                    histogram.Observe(n % 2);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                }
                Volatile.Write(ref done[t], ++n);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        await RedisBackendTests.Eventually(() => RedisBackendTests.Value(Scrape(health), "pytheus_redis_flushes_total") >= 3);

        redis.Kill();
        var atKill = done.Sum();
        await RedisBackendTests.Eventually(() => RedisBackendTests.Value(Scrape(health), "pytheus_redis_flush_failures_total") >= 3);
        await Task.Delay(500);
        var whileDown = done.Sum() - atKill;
        redis.Start();
        var failuresAtRestart = RedisBackendTests.Value(Scrape(health), "pytheus_redis_flushes_total");
        await RedisBackendTests.Eventually(() => RedisBackendTests.Value(Scrape(health), "pytheus_redis_flushes_total") >= failuresAtRestart + 3);
        Volatile.Write(ref stop, true);
        workers.ForEach(w => w.Join());
        await backend.FlushAsync();

        errors.ShouldBe(0);
        // At Redis speed (one round trip per call, ~40 µs here) nothing would complete while it is down.
        whileDown.ShouldBeGreaterThan(100_000);
        var reader = NewBackend(o => o.ConnectionString = redis.ConnectionString);
        var readRegistry = new CollectorRegistry();
        On(reader, () => new Counter("outage_total", "o", ["t"], registry: readRegistry));
        On(reader, () => new Histogram("outage_seconds", "o", buckets: [0.5], registry: readRegistry));
        var text = Scrape(readRegistry);
        var total = done.Sum();
        for (var t = 0; t < threads; t++)
        {
            RedisBackendTests.Value(text, $"outage_total{{t=\"{t}\"}}").ShouldBe(done[t]);
        }
        RedisBackendTests.Value(text, "outage_total{t=\"shared\"}").ShouldBe(total);
        RedisBackendTests.Value(text, "outage_seconds_count").ShouldBe(total);
        RedisBackendTests.Value(text, "outage_seconds_bucket{le=\"0.5\"}").ShouldBe(done.Sum(n => (n + 1) / 2));
        RedisBackendTests.Value(text, "outage_seconds_sum").ShouldBe(done.Sum(n => n / 2));
    }

    [Fact]
    public async Task A_batch_redis_can_never_apply_is_dropped_and_counted_not_retried_forever()
    {
        var backend = NewBackend();
        var registry = new CollectorRegistry();
        var counter = On(backend, () => new Counter("clobbered_total", "c", registry: registry));
        var other = On(backend, () => new Counter("intact_total", "c", registry: registry));
        Server.Command("SET", KeyOf(counter), "not a hash");
        var health = new CollectorRegistry();
        health.Register(backend.Metrics);

        counter.Inc(3);
        other.Inc(4);
        await backend.FlushAsync();
        counter.Inc(1);
        await backend.FlushAsync();

        RedisBackendTests.Value(Scrape(health), "pytheus_redis_dropped_changes_total").ShouldBe(2);
        Server.Command("DEL", KeyOf(counter));
        counter.Inc(5);
        var text = Scrape(registry);
        text.ShouldContain("clobbered_total 5\n");
        text.ShouldContain("intact_total 4\n");
    }

    [Theory]
    [InlineData("{\"hots\":\"x\"}", "'hots'")]
    [InlineData("{\"port\":\"http\"}", "'port'")]
    [InlineData("{\"port\":70000}", "'port'")]
    [InlineData("{\"db\":-1}", "'db'")]
    [InlineData("{\"expire_key_time\":0}", "'expire_key_time'")]
    [InlineData("{\"expire_key_time\":\"soon\"}", "'expire_key_time'")]
    [InlineData("{\"flush_interval_ms\":-5}", "'flush_interval_ms'")]
    [InlineData("{\"key_prefix\":\"a{b}\"}", "'key_prefix'")]
    [InlineData("{\"key_prefix\":42}", "'key_prefix'")]
    [InlineData("{\"connection_string\":\"localhost:6379\",\"host\":\"other\"}", "'connection_string'")]
    [InlineData("{\"connection_string\":\",,,\"}", "'connection_string'")]
    public void Bad_configuration_names_the_key(string json, string key)
    {
        var error = Should.Throw<InvalidBackendConfigException>(() => new RedisBackend(BackendConfig.FromJson(json)));
        error.Message.ShouldContain(key);
    }

    [Fact]
    public async Task Configuration_from_pytheus_keys_reaches_the_server()
    {
        var config = BackendConfig.FromJson($$"""
            {"host": "127.0.0.1", "port": {{Server.Port}}, "db": 3, "expire_key_time": 120, "key_prefix": "{{Prefix}}", "flush_interval_ms": 0}
            """);
        using var backend = new RedisBackend(config);
        var counter = On(backend, () => new Counter("configured_total", "c", registry: new CollectorRegistry()));
        counter.Inc();
        await RedisBackendTests.Eventually(() => Server.Command("EVAL", $"redis.call('SELECT', 3) return redis.call('TTL', '{KeyOf(counter)}')", "0") is var ttl
            && ttl.StartsWith(':') && long.Parse(ttl[1..], System.Globalization.CultureInfo.InvariantCulture) is > 100 and <= 120);
    }
}

/// <summary>Loading the backend by type name and JSON file changes the process-wide backend, so it runs alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RedisGlobalBackendCollection : ICollectionFixture<RedisServer>
{
    public const string Name = "Redis global backend";
}

[Collection(RedisGlobalBackendCollection.Name)]
public class RedisBackendLoadingTests(RedisServer server) : RedisTestBase(server)
{
    [Fact]
    public async Task The_backend_loads_from_its_type_name_and_a_json_config_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"pytheus-redis-{Prefix}.json");
        await File.WriteAllTextAsync(path, $$"""{"host": "127.0.0.1", "port": {{Server.Port}}, "key_prefix": "{{Prefix}}"}""");
        var previous = Backend.Current;
        try
        {
            var type = Backend.ResolveType("Pytheus.Backends.Redis.RedisBackend, Pytheus.Redis");
            var loaded = Backend.LoadBackend(type, BackendConfig.FromJsonFile(path));
            using var backend = loaded.ShouldBeOfType<RedisBackend>();
            var registry = new CollectorRegistry();
            new Counter("loaded_total", "l", registry: registry).Inc(7);
            Scrape(registry).ShouldContain("loaded_total 7\n");
            backend.KeyPrefix.ShouldBe(Prefix);
        }
        finally
        {
            Backend.LoadBackend(previous);
            File.Delete(path);
        }
    }
}
