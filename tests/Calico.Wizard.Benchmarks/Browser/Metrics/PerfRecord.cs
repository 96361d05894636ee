using System.Diagnostics;
using System.Globalization;
using Calico.Wizard.Testing;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>
/// --side-perf: `perf record -F 999 -g` on the app over exactly the measured keys, into
/// artifacts/perf/{floor,wizard}.perf.data (start the app with --app-env DOTNET_PerfMapEnabled=1 for managed names).
/// </summary>
public static class PerfRecord
{
    public static async Task<Process> StartAsync(int pid, bool floor)
    {
        var output = Path.Combine(Repository.Root, "artifacts", "perf", floor ? "floor.perf.data" : "wizard.perf.data");
        var perf = Process.Start(new ProcessStartInfo("perf", ["record", "-F", "999", "-g", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", output])
        { RedirectStandardOutput = true, RedirectStandardError = true })!;
        await Task.Delay(1000); // perf attached
        return perf;
    }

    public static async Task StopAsync(Process perf)
    {
        using var kill = Process.Start("kill", ["-INT", perf.Id.ToString(CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        await perf.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }
}
