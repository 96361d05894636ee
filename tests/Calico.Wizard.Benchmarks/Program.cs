using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Calico.Wizard.Benchmarks;

/// <summary>
/// dotnet run -c Release --project tests/Calico.Wizard.Benchmarks -- --filter '*'
/// Runs BenchmarkDotNet's ShortRun job (3 warm-ups, 3 iterations, 1 launch) unless --job is given; results go to
/// artifacts/benchmarks/ at the repository root (git-ignored). See docs/performance.md.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var config = DefaultConfig.Instance.WithArtifactsPath(Path.Combine(Paths.RepositoryRoot, "artifacts", "benchmarks"));
        if (!args.Any(a => a.StartsWith("--job", StringComparison.Ordinal) || a == "-j"))
            config = config.AddJob(Job.ShortRun.WithId("ShortRun"));
        if (args.Contains("--reseed")) ClusterSeed.DeleteCache();
        if (args.Contains("--explain"))
        {
            foreach (var n in new[] { 1_000, 100_000 }) QueryPlan.RunAsync(n).GetAwaiter().GetResult();
            return 0;
        }
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Where(a => a != "--reseed").ToArray(), config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}

public static class Paths
{
    public static string RepositoryRoot { get; } = Find();

    private static string Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Calico.Wizard.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
