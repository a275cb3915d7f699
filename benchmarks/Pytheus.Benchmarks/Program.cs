using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

namespace Pytheus.Benchmarks;

public static class Program
{
    /// <summary>
    /// Runs the suite through BenchmarkSwitcher (so <c>--filter</c>, <c>--job</c> etc. work). <c>--quick</c> replaces
    /// the default job with one launch, 1 warm-up and 5 iterations of about 100 ms each: ratios hold, absolute figures
    /// are rougher.
    /// </summary>
    public static void Main(string[] args)
    {
        var quick = args.Contains("--quick");
        args = args.Where(a => a != "--quick").ToArray();
        IConfig config = DefaultConfig.Instance;
        if (quick)
        {
            config = DefaultConfig.Instance.AddJob(Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(1)
                .WithIterationCount(5)
                .WithIterationTime(TimeInterval.FromMilliseconds(100))
                .WithId("Quick")
                .AsDefault());
        }
        // The generated project's build can take minutes on a machine shared with other builds (BenchmarkDotNet's default is 2).
        config = ManualConfig.Create(config).WithBuildTimeout(TimeSpan.FromMinutes(10));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
