using System.Globalization;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>The app's resident set (VmRSS, Linux's working set), read once it has settled.</summary>
public static class ResidentSet
{
    /// <summary>
    /// Optionally a full GC induced first (its managed heap kept in <see cref="App.LastHeap"/>), then a 10 s settle,
    /// then the median of 5 readings 1 s apart.
    /// </summary>
    public static async Task<long> SettledRssAsync(App app, bool induceGc)
    {
        if (induceGc) app.LastHeap = await ManagedHeap.InduceGcAsync(app.Pid);
        await Task.Delay(TimeSpan.FromSeconds(10));
        var readings = new List<long>();
        for (var i = 0; i < 5; i++) { readings.Add(Rss(app.Pid)); await Task.Delay(1000); }
        return readings.Order().ElementAt(2);
    }

    public static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException("no VmRSS");
    }
}
