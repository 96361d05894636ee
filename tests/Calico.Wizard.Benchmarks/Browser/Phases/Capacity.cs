using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>
/// --only capacity (issue 16): the server alone on core 0, the browsers (and this process) on core 1, so the
/// browsers' work no longer lands on the server's core. For each session count, a fresh app, the sessions opened on
/// the Network step, then every session types 30 keys at about one a second (think 900–1100 ms) and waits for each
/// key's message. Reported: keystroke p50/p95, timeouts, and the server's CPU over the typing as a share of its core.
/// </summary>
public static class Capacity
{
    public static async Task<object> RunAsync(IBrowser browser, string publish, Options o)
    {
        if (Environment.ProcessorCount < 2) throw new InvalidOperationException("the capacity run needs two cores: one for the server, one for the browsers");
        Pin(Environment.ProcessId, 1);
        foreach (var chromium in Process.GetProcesses().Where(p => p.ProcessName.Contains("chrom", StringComparison.OrdinalIgnoreCase))) Pin(chromium.Id, 1);
        var rows = new List<object>();
        foreach (var sessions in o.CapacitySessions)
        {
            await using var app = await App.StartAsync(publish, o.Gc, o.AppEnv);
            Pin(app.Pid, 0);
            Console.WriteLine($"-- {sessions} sessions, server pid {app.Pid} on core 0");
            var run = await Concurrent.RunAsync(browser, app, o.WithSessions(sessions, 30, 900, 1100));
            rows.Add(new { sessions, run });
        }
        return rows;
    }

    /// <summary>Pins every thread of a process to one core (taskset -a -c -p: util-linux, on every Debian).</summary>
    private static void Pin(int pid, int core)
    {
        string[] args = ["-a", "-c", "-p", core.ToString(CultureInfo.InvariantCulture), pid.ToString(CultureInfo.InvariantCulture)];
        using var taskset = Process.Start(new ProcessStartInfo("taskset", args)
        { RedirectStandardOutput = true, RedirectStandardError = true })!;
        taskset.WaitForExit(10_000);
        if (taskset.ExitCode != 0) throw new InvalidOperationException($"taskset could not pin {pid} to core {core}: {taskset.StandardError.ReadToEnd()}");
    }
}
