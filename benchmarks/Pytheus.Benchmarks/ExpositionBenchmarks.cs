using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Pytheus.Backends.InProcess;
using Pytheus.Exposition;
using Pytheus.Registry;
using Py = Pytheus.Metrics;

namespace Pytheus.Benchmarks;

// Latest results: 2026-11-25, benchmarks/run.sh --quick, BenchmarkDotNet 0.15.8, .NET 10.0.12 X64 RyuJIT x86-64-v4,
// AMD EPYC 2.1 GHz, 2 cores shared with other jobs (Ratio = Pytheus / prometheus-net 8.2.1 in the same run).
//
// | Series  | To Stream.Null PN / Pytheus | Ratio | Alloc PN / Pytheus | To string PN / Pytheus | Ratio | Alloc PN / Pytheus |
// |--------:|-----------------------------|------:|--------------------|------------------------|------:|--------------------|
// |   1,000 | 150 us / 77 us              |  0.52 | 16.7 KB / 2.7 KB   | 616 us / 586 us        |  0.95 | 254 KB / 128 KB    |
// |  10,000 | 4.29 ms / 0.93 ms           |  0.26 | 16.7 KB / 3.1 KB   | 13.1 ms / 4.6 ms       |  0.38 | 3.3 MB / 1.27 MB   |
// | 100,000 | 32.2 ms / 16.2 ms           |  0.51 | 16.7 KB / 7.5 KB   | 67.6 ms / 52.7 ms      |  0.83 | 29.4 MB / 13.0 MB  |

/// <summary>
/// A scrape of the same series in both libraries: 10 counter families with labels <c>path</c> and <c>code</c>, and
/// <see cref="Series"/> series in all, each with a distinct value. To <see cref="Stream.Null"/> (the streaming cost) and
/// to a string (the whole text in memory). prometheus-net is the baseline of each category.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class ExpositionBenchmarks
{
    private const int Families = 10;

    private Prometheus.CollectorRegistry _pn = null!;
    private CollectorRegistry _py = null!;

    [Params(1_000, 10_000, 100_000)]
    public int Series { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pn = Prometheus.Metrics.NewCustomRegistry();
        var pnFactory = Prometheus.Metrics.WithCustomRegistry(_pn);
        _py = new CollectorRegistry();
        var backend = new InProcessBackend();
        var perFamily = Series / Families;
        for (var f = 0; f < Families; f++)
        {
            var name = $"bench_requests_{f}_total";
            var help = $"Requests served by handler group {f}.";
            var pnCounter = pnFactory.CreateCounter(name, help, "path", "code");
            var pyCounter = new Py.Counter(name, help, ["path", "code"], registry: _py, backend: backend);
            for (var i = 0; i < perFamily; i++)
            {
                var path = $"/api/v1/items/{i / 10}";
                var code = (200 + i % 10).ToString();
                pnCounter.WithLabels(path, code).Inc(i + 0.5);
                pyCounter.WithLabelValues(path, code).Inc(i + 0.5);
            }
        }
    }

    [BenchmarkCategory("To Stream.Null"), Benchmark(Baseline = true)]
    public Task PrometheusNet_ToNullStream() => _pn.CollectAndExportAsTextAsync(Stream.Null);

    [BenchmarkCategory("To Stream.Null"), Benchmark]
    public Task Pytheus_ToNullStream() => MetricsExposition.WriteMetricsAsync(Stream.Null, _py);

    [BenchmarkCategory("To string"), Benchmark(Baseline = true)]
    public async Task<string> PrometheusNet_ToString()
    {
        using var buffer = new MemoryStream();
        await _pn.CollectAndExportAsTextAsync(buffer);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    [BenchmarkCategory("To string"), Benchmark]
    public string Pytheus_ToString() => MetricsExposition.GenerateMetrics(_py);
}
