using System.Globalization;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>CPU time from /proc: a process's utime + stime, and the whole machine's busy time.</summary>
public static class ProcessCpu
{
    /// <summary>Linux's USER_HZ: /proc/PID/stat counts CPU time in these ticks.</summary>
    public const double ClockTicksPerSecond = 100;

    public static long CpuTicks(int pid) => StatTicks(File.ReadAllText($"/proc/{pid}/stat"));

    /// <summary>utime + stime of a process's or thread's stat line (fields 14 and 15, after the parenthesised name).</summary>
    public static long StatTicks(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>utime + stime of a process (/proc/PID/stat), in seconds.</summary>
    public static double ProcessCpuSeconds(int pid) => CpuTicks(pid) / ClockTicksPerSecond;

    /// <summary>Busy CPU time of the whole machine (/proc/stat: all but idle and iowait), in seconds.</summary>
    public static double MachineBusySeconds()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return (cpu.Take(8).Sum() - cpu[3] - cpu[4]) / 100.0;
    }
}
