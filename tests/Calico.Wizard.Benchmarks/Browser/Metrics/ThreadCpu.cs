using System.Globalization;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>
/// CPU time per thread of a process over an interval: every thread's utime + stime (/proc/PID/task/TID/stat) sampled
/// every 50 ms, so a thread that ends inside the interval still counts up to its last sample (the tiered-compilation
/// worker exits when idle and is started again). Keyed by the thread's name (comm, 15 characters).
/// </summary>
public sealed class ThreadCpu
{
    private readonly Dictionary<int, (string Name, long FirstTicks, long LastTicks, long FirstSwitches, long LastSwitches)> threads = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task sampling;

    private ThreadCpu(int pid)
    {
        Sample(pid, first: true);
        sampling = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try { await Task.Delay(50, stop.Token); } catch (OperationCanceledException) { }
                Sample(pid, first: false);
            }
        });
    }

    public static ThreadCpu Start(int pid) => new(pid);

    /// <returns>CPU ticks per thread name, and the context switches (voluntary and not) of all threads.</returns>
    public async Task<(IReadOnlyDictionary<string, long> Ticks, long Switches)> StopAsync()
    {
        await stop.CancelAsync();
        await sampling;
        return (threads.Values.GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.Sum(t => t.LastTicks - t.FirstTicks)),
            threads.Values.Sum(t => t.LastSwitches - t.FirstSwitches));
    }

    private void Sample(int pid, bool first)
    {
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            string stat, status;
            try { (stat, status) = (File.ReadAllText(Path.Combine(task, "stat")), File.ReadAllText(Path.Combine(task, "status"))); }
            catch (IOException) { continue; } // ended meanwhile
            var tid = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
            var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
            var ticks = ProcessCpu.StatTicks(stat);
            var switches = status.Split('\n').Where(l => l.Contains("ctxt_switches:", StringComparison.Ordinal))
                .Sum(l => long.Parse(l.Split(':')[1].Trim(), CultureInfo.InvariantCulture));
            threads[tid] = threads.TryGetValue(tid, out var known)
                ? known with { LastTicks = ticks, LastSwitches = switches }
                : (name, first ? ticks : 0, ticks, first ? switches : 0, switches);
        }
    }
}
