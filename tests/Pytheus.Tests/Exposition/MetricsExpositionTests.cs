using System.Text;
using Pytheus.Backends;
using Pytheus.Backends.InProcess;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Exposition;

public class MetricsExpositionTests
{
    private readonly CollectorRegistry _registry = new(prefix: "svc");

    private void Populate(int series)
    {
        var counter = new Counter("requests_total", "Requests \"quoted\"\nand \\ more", ["route", "code"], registry: _registry);
        for (var i = 0; i < series; i++)
        {
            counter.Labels(("route", $"/r/{i}"), ("code", "2\"00")).Inc(i + 0.5);
        }
        var histogram = new Histogram("latency_seconds", "Latency µs", ["route"], new Dictionary<string, string> { ["route"] = "/" }, registry: _registry);
        histogram.Observe(0.3);
        new Summary("payload_bytes", "Payload", registry: _registry).Observe(1e7);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5_000)]
    public async Task Streaming_writes_exactly_the_text_of_the_string_api_in_UTF8_without_BOM(int series)
    {
        Populate(series);
        using var stream = new MemoryStream();

        await MetricsExposition.WriteMetricsAsync(stream, _registry);

        var expected = MetricsExposition.GenerateMetrics(_registry);
        stream.ToArray().ShouldBe(new UTF8Encoding(false).GetBytes(expected));
        (await MetricsExposition.GenerateMetricsAsync(_registry)).ShouldBe(expected);
        expected.ShouldContain("svc_latency_seconds_sum{route=\"/\"} 0.3\n");
    }

    [Fact]
    public async Task Streaming_leaves_the_stream_open_and_appends_at_its_position()
    {
        new Counter("c_total", "C", registry: _registry).Inc();
        using var stream = new MemoryStream();
        stream.Write("prefix\n"u8);

        await MetricsExposition.WriteMetricsAsync(stream, _registry);
        stream.Write("suffix\n"u8);

        Encoding.UTF8.GetString(stream.ToArray()).ShouldBe("prefix\n# HELP svc_c_total C\n# TYPE svc_c_total counter\nsvc_c_total 1\nsuffix\n");
    }

    [Fact]
    public async Task A_backend_failing_at_collection_fails_before_anything_is_written()
    {
        new Counter("fine_total", "Fine", registry: _registry).Inc();
        new Counter("broken_total", "Broken", registry: _registry, backend: new UnreadableBackend());
        using var stream = new MemoryStream();

        var e = await Should.ThrowAsync<IOException>(() => MetricsExposition.WriteMetricsAsync(stream, _registry));

        e.Message.ShouldBe("backend unreachable");
        stream.Length.ShouldBe(0);
        Should.Throw<IOException>(() => MetricsExposition.GenerateMetrics(_registry));
    }

    [Fact]
    public async Task A_collecting_backend_answers_the_scrape_for_its_families()
    {
        var backend = new FixedCollectingBackend();
        new Gauge("remote", "Remote", ["k"], registry: _registry, backend: backend);
        new Gauge("local", "Local", registry: _registry).Set(1);

        var text = await MetricsExposition.GenerateMetricsAsync(_registry);

        text.ShouldBe("# HELP svc_remote Remote\n# TYPE svc_remote gauge\nsvc_remote{k=\"from-backend\"} 42\n# HELP svc_local Local\n# TYPE svc_local gauge\nsvc_local 1\n");
        backend.Collections.ShouldBe(1);
    }

    private sealed class UnreadableBackend : ICollectingBackend
    {
        public IValueStore CreateStore(ValueDescriptor descriptor) => new AtomicDouble();

        public Task<IReadOnlyList<IReadOnlyList<SeriesSnapshot>>> CollectAsync(
            IReadOnlyList<MetricDefinition> families, CancellationToken cancellationToken = default) =>
            throw new IOException("backend unreachable");
    }

    private sealed class FixedCollectingBackend : ICollectingBackend
    {
        public int Collections { get; private set; }

        public IValueStore CreateStore(ValueDescriptor descriptor) => new AtomicDouble();

        public Task<IReadOnlyList<IReadOnlyList<SeriesSnapshot>>> CollectAsync(
            IReadOnlyList<MetricDefinition> families, CancellationToken cancellationToken = default)
        {
            Collections++;
            IReadOnlyList<IReadOnlyList<SeriesSnapshot>> result = families
                .Select(f => (IReadOnlyList<SeriesSnapshot>)[new SeriesSnapshot(["from-backend"], [42])])
                .ToList();
            return Task.FromResult(result);
        }
    }
}
