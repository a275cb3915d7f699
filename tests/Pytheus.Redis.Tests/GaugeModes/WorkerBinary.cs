namespace Pytheus.Redis.Tests.GaugeModes;

/// <summary>Where tests/Pytheus.RedisWorker was built, in the same configuration and framework as the tests.</summary>
internal static class WorkerBinary
{
    public static string Path
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
            var framework = output.Name;
            var configuration = output.Parent!.Name;
            var root = output;
            while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "Pytheus.sln")))
            {
                root = root.Parent;
            }
            return System.IO.Path.Combine(root!.FullName, "tests", "Pytheus.RedisWorker", "bin", configuration, framework, "Pytheus.RedisWorker.dll");
        }
    }
}
