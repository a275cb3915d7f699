using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Prometheus;
using Pytheus.Backends;
using Pytheus.Backends.InProcess;
using Pytheus.Backends.Redis;
using Pytheus.Compat.PrometheusNet;
using Pytheus.Compat.PrometheusNet.Patching;
using PatchCompat = Pytheus.Compat.PrometheusNet.Compat;
using PyRegistry = Pytheus.Registry.CollectorRegistry;

namespace Pytheus.Benchmarks;

// Latest results: 2026-11-25, benchmarks/run.sh --quick, BenchmarkDotNet 0.15.8, .NET 10.0.12 X64 RyuJIT x86-64-v4,
// AMD EPYC 2.1 GHz, 2 cores shared with other jobs (Ratio = Pytheus / prometheus-net 8.2.1 in the same run).
//
// | Method                            | Category          | Mean     | Ratio | Allocated |
// |-----------------------------------|-------------------|---------:|------:|----------:|
// | CounterInc_Unpatched              | Counter.Inc       |  7.48 ns |  1.00 |         - |
// | CounterInc_PatchedInProcess       | Counter.Inc       |  9.14 ns |  1.22 |         - |
// | CounterInc_PatchedRedis           | Counter.Inc       |  9.09 ns |  1.22 |         - |
// | HistogramObserve_Unpatched        | Histogram.Observe | 14.8 ns  |  1.00 |         - |
// | HistogramObserve_PatchedInProcess | Histogram.Observe | 22.9 ns  |  1.55 |         - |
// | HistogramObserve_PatchedRedis     | Histogram.Observe | 18.3 ns  |  1.24 |         - |
// | SampleAdd_Unpatched               | Detour only       |  0.30 ns |  1.00 |         - |
// | SampleAdd_Patched                 | Detour only       |  1.75 ns |  5.79 |         - |

/// <summary>
/// prometheus-net calls after <c>PatchCompat.PatchClient()</c> (on the in-process backend and on Redis) vs the same calls
/// unpatched. Patching is process-wide, and BenchmarkDotNet runs each case in its own process: each setup patches (or
/// not) only its own case, before the benchmark method is JIT-compiled. Every setup checks its state — an unpatched case
/// fails if a patch is active or its calls did not reach prometheus-net's own storage, a patched case fails if they did — so these
/// figures cannot be produced by <c>--inProcess</c> runs, which would mix the states.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PatchingBenchmarks
{
    private const int Ops = 1000;

    private readonly double[] _samples = Enumerable.Range(0, 1024).Select(i => i * 12.0 / 1024).ToArray();
    private Counter.Child? _counter;
    private Histogram.Child? _histogram;
    private PyRegistry? _registry;
    private IBackend? _backend;
    private LocalRedisServer? _server;
    private IMethodDetour? _detour;

    [GlobalSetup(Targets = [nameof(CounterInc_Unpatched), nameof(HistogramObserve_Unpatched)])]
    public void SetupUnpatched()
    {
        if (PatchCompat.Active is not null)
        {
            throw new InvalidOperationException("An unpatched case runs in a patched process.");
        }
        CreatePrometheusNetMetrics();
    }

    [GlobalSetup(Targets = [nameof(CounterInc_PatchedInProcess), nameof(HistogramObserve_PatchedInProcess)])]
    public void SetupPatchedInProcess() => Patch(new InProcessBackend());

    [GlobalSetup(Targets = [nameof(CounterInc_PatchedRedis), nameof(HistogramObserve_PatchedRedis)])]
    public void SetupPatchedRedis()
    {
        _server = new LocalRedisServer();
        Patch(new RedisBackend(new RedisBackendOptions
        {
            ConnectionString = _server.ConnectionString,
            KeyPrefix = "bench",
            FlushInterval = TimeSpan.FromSeconds(1),
        }));
    }

    [GlobalSetup(Targets = [nameof(SampleAdd_Unpatched)])]
    public void SetupSampleUnpatched()
    {
        if (PatchCompat.Active is not null)
        {
            throw new InvalidOperationException("An unpatched case runs in a patched process.");
        }
    }

    [GlobalSetup(Targets = [nameof(SampleAdd_Patched)])]
    public void SetupSamplePatched() => _detour = MethodDetourer.Create().Redirect(
        typeof(BenchSample).GetMethod(nameof(BenchSample.Add))!,
        typeof(BenchReplacements).GetMethod(nameof(BenchReplacements.Add))!);

    [GlobalCleanup]
    public void Cleanup()
    {
        _detour?.Dispose();
        if (_counter is null)
        {
            return;
        }
        // prometheus-net's own storage behind its API: untouched when patched, written when not.
        var stored = StoredValue(_counter, "_value") + StoredValue(_histogram!, "_sum");
        if (_registry is not null)
        {
            PatchCompat.UnpatchClient();
            (_backend as IDisposable)?.Dispose();
            _server?.Dispose();
            if (stored != 0)
            {
                throw new InvalidOperationException("Patched calls reached prometheus-net's own storage: they were not redirected.");
            }
        }
        else if (stored == 0)
        {
            throw new InvalidOperationException("Unpatched calls did not reach prometheus-net's own storage.");
        }
    }

    private static double StoredValue(object child, string field)
    {
        const System.Reflection.BindingFlags Private = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic;
        var boxed = child.GetType().GetField(field, Private)!.GetValue(child)!;
        return BitConverter.Int64BitsToDouble((long)boxed.GetType().GetField("_value", Private)!.GetValue(boxed)!);
    }

    [BenchmarkCategory("Counter.Inc"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void CounterInc_Unpatched() => IncLoop();

    [BenchmarkCategory("Counter.Inc"), Benchmark(OperationsPerInvoke = Ops)]
    public void CounterInc_PatchedInProcess() => IncLoop();

    [BenchmarkCategory("Counter.Inc"), Benchmark(OperationsPerInvoke = Ops)]
    public void CounterInc_PatchedRedis() => IncLoop();

    [BenchmarkCategory("Histogram.Observe"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void HistogramObserve_Unpatched() => ObserveLoop();

    [BenchmarkCategory("Histogram.Observe"), Benchmark(OperationsPerInvoke = Ops)]
    public void HistogramObserve_PatchedInProcess() => ObserveLoop();

    [BenchmarkCategory("Histogram.Observe"), Benchmark(OperationsPerInvoke = Ops)]
    public void HistogramObserve_PatchedRedis() => ObserveLoop();

    [BenchmarkCategory("Detour only"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public int SampleAdd_Unpatched() => BenchSample.Loop(Ops);

    /// <summary>A trivial method redirected to an equally trivial replacement: the pure cost of a detour.</summary>
    [BenchmarkCategory("Detour only"), Benchmark(OperationsPerInvoke = Ops)]
    public int SampleAdd_Patched() => BenchSample.Loop(Ops);

    private void IncLoop()
    {
        var c = _counter!;
        for (var i = 0; i < Ops; i++) c.Inc();
    }

    private void ObserveLoop()
    {
        var h = _histogram!;
        var s = _samples;
        for (var i = 0; i < Ops; i++) h.Observe(s[i & 1023]);
    }

    private void Patch(IBackend backend)
    {
        _backend = backend;
        _registry = new PyRegistry();
        PatchCompat.PatchClient(new PatchOptions { Backend = backend, Registry = _registry });
        CreatePrometheusNetMetrics();
    }

    private void CreatePrometheusNetMetrics()
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry());
        _counter = factory.CreateCounter("bench_patched_total", "c", "l").WithLabels("a");
        _histogram = factory.CreateHistogram("bench_patched_seconds", "h", new HistogramConfiguration
        {
            LabelNames = ["l"], Buckets = [.. Pytheus.Metrics.Buckets.Default],
        }).WithLabels("a");
    }
}

/// <summary>Target of the "detour only" benchmark.</summary>
public static class BenchSample
{
    public static int Add(int x) => x + 1;

    public static int Loop(int n)
    {
        var s = 0;
        for (var i = 0; i < n; i++)
        {
            s = Add(s);
        }

        return s;
    }
}

/// <summary>Replacement for <see cref="BenchSample.Add"/>.</summary>
public static class BenchReplacements
{
    public static int Add(int x) => x + 1;
}
