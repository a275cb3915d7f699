using BenchmarkDotNet.Attributes;
using Prometheus;
using Pytheus.Compat.PrometheusNet.Patching;

namespace Pytheus.Benchmarks;

/// <summary>
/// Cost of a call through a detour vs the same call unpatched. BenchmarkDotNet runs each benchmark in its own
/// process, so the detour applied in a "Patched" setup never affects an "Unpatched" one. The detours are applied
/// before the benchmark loops are compiled, as PatchClient() does at start-up.
/// Results (ShortRun, .NET 10.0.12, 2-core AMD EPYC, linux-x64) are in docs/patching.md.
/// </summary>
[MemoryDiagnoser]
public class PatchingBenchmarks
{
    private const int Calls = 1000;
    private Counter.Child _child = null!;
    private IMethodDetour? _detour;

    [GlobalSetup(Targets = [nameof(CounterChildInc_Unpatched), nameof(SampleAdd_Unpatched)])]
    public void SetupUnpatched() =>
        _child = Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry()).CreateCounter("bench_total", "b", "l").WithLabels("a");

    [GlobalSetup(Targets = [nameof(CounterChildInc_Patched)])]
    public void SetupCounterPatched()
    {
        SetupUnpatched();
        _detour = MethodDetourer.Create().Redirect(
            typeof(Counter.Child).GetMethod("Inc", [typeof(double), typeof(Exemplar)])!,
            typeof(BenchReplacements).GetMethod(nameof(BenchReplacements.CounterInc))!);
    }

    [GlobalSetup(Targets = [nameof(SampleAdd_Patched)])]
    public void SetupSamplePatched()
    {
        SetupUnpatched();
        _detour = MethodDetourer.Create().Redirect(
            typeof(BenchSample).GetMethod(nameof(BenchSample.Add))!,
            typeof(BenchReplacements).GetMethod(nameof(BenchReplacements.Add))!);
    }

    [GlobalCleanup]
    public void Cleanup() => _detour?.Dispose();

    [Benchmark(OperationsPerInvoke = Calls)]
    public void CounterChildInc_Unpatched()
    {
        for (var i = 0; i < Calls; i++)
        {
            _child.Inc();
        }
    }

    /// <summary>Counter.Child.Inc redirected to a replacement that does one interlocked increment.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public void CounterChildInc_Patched()
    {
        for (var i = 0; i < Calls; i++)
        {
            _child.Inc();
        }
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    public int SampleAdd_Unpatched() => BenchSample.Loop(Calls);

    /// <summary>A trivial method redirected to an equally trivial replacement: the pure cost of the detour.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public int SampleAdd_Patched() => BenchSample.Loop(Calls);
}

/// <summary>Target of the "pure detour cost" benchmark.</summary>
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

/// <summary>Replacements for <see cref="PatchingBenchmarks"/>.</summary>
public static class BenchReplacements
{
    public static long Count;

    public static void CounterInc(Counter.Child self, double increment, Exemplar? exemplar) => Interlocked.Increment(ref Count);

    public static int Add(int x) => x + 1;
}
