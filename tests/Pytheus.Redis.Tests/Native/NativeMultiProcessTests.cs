using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Redis.Tests.Native;

/// <summary>
/// Three worker processes (tests/Pytheus.RedisWorker native) observe one native histogram series from two threads
/// each, with different schemas and bucket limits; one scrape of the shared hash must show the exact merged figures.
/// </summary>
[Collection(RedisCollection.Name)]
public class NativeMultiProcessTests(RedisServer server) : RedisTestBase(server)
{
    private const int Observations = 3000;
    private const int Threads = 2;

    [Fact]
    public async Task Three_processes_with_different_schemas_expose_the_exact_merged_histogram()
    {
        (int Schema, int Max)[] configs = [(3, 0), (3, 60), (1, 160)];
        var workers = configs.Select((c, w) => Start(w, c.Schema, c.Max)).ToList();
        foreach (var (process, lines, errors) in workers)
        {
            lines.TryTake(out var line, TimeSpan.FromSeconds(60)).ShouldBeTrue("worker stderr: " + errors);
            line.ShouldBe("done", customMessage: errors.ToString());
            process.WaitForExit(30_000).ShouldBeTrue();
            process.ExitCode.ShouldBe(0);
        }

        var expected = new NativeExpectation();
        var lowest = int.MaxValue;
        for (var w = 0; w < configs.Length; w++)
        {
            var values = Enumerable.Range(0, Observations).Select(j => Pytheus.Tests.Shared.NativeWorkload.Value(w, j)).ToList();
            values.ForEach(v => expected.Add(v, Threads));
            lowest = Math.Min(lowest, NativeExpectation.SchemaAfter(values, configs[w].Schema, configs[w].Max, NativeHistogramOptions.DefaultZeroThreshold));
        }
        lowest.ShouldBeLessThan(1, "the limited worker lowered its schema below the others'");

        var registry = new CollectorRegistry();
        On(NewBackend(), () => new Histogram("mp_native_seconds", "Native histogram shared by processes.", ["route"], registry: registry,
            nativeHistogram: new NativeHistogramOptions { Schema = 3, MaxBucketCount = 0 }));
        var metric = Pytheus.Tests.Shared.PrometheusProtobufReader.Read(await RedisNativeHistogramTests.Protobuf(registry)).Single().Metrics.Single();
        metric.Labels.ShouldBe([("route", "shared")]);
        var native = metric.Histogram!;
        native.Schema.ShouldBe(lowest);
        native.Count.ShouldBe((ulong)expected.Count);
        native.Sum.ShouldBe(expected.Sum);
        native.ZeroCount.ShouldBe((ulong)expected.ZeroCount(NativeHistogramOptions.DefaultZeroThreshold));
        native.Side(negative: false).ShouldBe(expected.Side(lowest, negative: false, NativeHistogramOptions.DefaultZeroThreshold));
        native.Side(negative: true).ShouldBe(expected.Side(lowest, negative: true, NativeHistogramOptions.DefaultZeroThreshold));
    }

    private (System.Diagnostics.Process, BlockingCollection<string>, StringBuilder) Start(int worker, int schema, int max)
    {
        var lines = new BlockingCollection<string>();
        var errors = new StringBuilder();
        string[] args = ["native", Server.Port.ToString(CultureInfo.InvariantCulture), Prefix, $"{worker}", $"{schema}", $"{max}", $"{Observations}", $"{Threads}"];
        return (WorkerBinary.Start(args, lines, errors), lines, errors);
    }
}
