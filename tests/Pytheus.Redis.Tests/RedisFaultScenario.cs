using Pytheus.Backends.Redis;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Redis.Tests;

/// <summary>
/// A counter, a gauge, a histogram and a summary on one backend, with the totals the application gave them, so a fault
/// test can check that Redis ends up holding exactly those totals.
/// </summary>
internal sealed class RedisFaultScenario
{
    private readonly Counter _counter;
    private readonly Gauge _gauge;
    private readonly Histogram _histogram;
    private readonly Summary _summary;
    private double _counted;
    private double _gaugeValue;
    private long _observed;

    public RedisFaultScenario(RedisBackend backend, string name)
    {
        Name = name;
        Backend = backend;
        using (Pytheus.Backends.Backend.BeginScope(backend))
        {
            _counter = new Counter(name + "_total", "c", ["k"], registry: new CollectorRegistry());
            _gauge = new Gauge(name + "_gauge", "g", registry: new CollectorRegistry());
            _histogram = new Histogram(name + "_seconds", "h", buckets: [1], registry: new CollectorRegistry());
            _summary = new Summary(name + "_bytes", "s", registry: new CollectorRegistry());
        }
    }

    public string Name { get; }

    public RedisBackend Backend { get; }

    public HotPath Calls { get; } = new();

    public Counter Counter => _counter;

    /// <summary>One round of application calls (counter += amount, gauge set to amount, one observation each).</summary>
    public void Write(double amount)
    {
        Calls.Run(() =>
        {
            _counter.Labels(("k", "a")).Inc(amount);
            _gauge.Set(amount);
            _histogram.Observe(0.5);
            _summary.Observe(2);
        });
        _counted += amount;
        _gaugeValue = amount;
        _observed++;
    }

    /// <summary>Reads <paramref name="server"/> through a fresh backend and checks every total exactly.</summary>
    public void AssertExact(RedisServer server, string prefix)
    {
        Calls.ShouldHaveSeenNoException();
        using var reader = new RedisBackend(new RedisBackendOptions
        {
            ConnectionString = server.ConnectionString,
            KeyPrefix = prefix,
            FlushInterval = TimeSpan.FromHours(1),
            ScrapeTimeout = TimeSpan.FromSeconds(15),
        });
        var registry = new CollectorRegistry();
        using (Pytheus.Backends.Backend.BeginScope(reader))
        {
            new Counter(Name + "_total", "c", ["k"], registry: registry);
            new Gauge(Name + "_gauge", "g", registry: registry);
            new Histogram(Name + "_seconds", "h", buckets: [1], registry: registry);
            new Summary(Name + "_bytes", "s", registry: registry);
        }
        var text = Pytheus.Exposition.MetricsExposition.GenerateMetricsAsync(registry).GetAwaiter().GetResult();
        RedisBackendTests.Value(text, $"{Name}_total{{k=\"a\"}}").ShouldBe(_counted, text);
        RedisBackendTests.Value(text, $"{Name}_gauge").ShouldBe(_gaugeValue, text);
        RedisBackendTests.Value(text, $"{Name}_seconds_bucket{{le=\"1\"}}").ShouldBe(_observed, text);
        RedisBackendTests.Value(text, $"{Name}_seconds_count").ShouldBe(_observed, text);
        RedisBackendTests.Value(text, $"{Name}_seconds_sum").ShouldBe(0.5 * _observed, text);
        RedisBackendTests.Value(text, $"{Name}_bytes_count").ShouldBe(_observed, text);
        RedisBackendTests.Value(text, $"{Name}_bytes_sum").ShouldBe(2.0 * _observed, text);
    }
}
