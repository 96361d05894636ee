namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>How the figures are written: sizes, resource names, the machine they were taken on.</summary>
public static class Report
{
    public static object Machine() => new
    {
        nproc = Environment.ProcessorCount,
        cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim(),
        memTotal = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal)),
        runtime = Environment.Version.ToString(),
    };

    public static string ShortUrl(string url, Uri app) =>
        url.StartsWith(app.ToString(), StringComparison.Ordinal) ? "/" + url[app.ToString().Length..].Split('?')[0] : url;

    public static string Kb(long bytes) => $"{bytes / 1024.0:F1} KB";

    public static string Mb(long bytes) => $"{bytes / 1048576.0:F1} MB";
}
