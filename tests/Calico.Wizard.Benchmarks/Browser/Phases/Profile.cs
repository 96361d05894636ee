using System.Diagnostics;
using System.Globalization;
using Calico.Wizard.Testing;
using Microsoft.Playwright;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>
/// Diagnostic (--only profile): dotnet-trace's CPU sampling of the app while --side-keys keystrokes are typed as in
/// the side-by-side phase; the trace is written to artifacts/perf/keystrokes.nettrace for `dotnet-trace report … topN`.
/// </summary>
public static class Profile
{
    public static async Task<object> RunAsync(IBrowser browser, App app, Options o)
    {
        var trace = Path.Combine(Repository.Root, "artifacts", "perf", "keystrokes.nettrace");
        var info = new ProcessStartInfo("dotnet-trace") { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] args =
        [
            "collect", "-p", app.Pid.ToString(CultureInfo.InvariantCulture), "--profile", "dotnet-common,dotnet-sampled-thread-time",
            "--duration", "00:00:00:30", "-o", trace,
        ];
        foreach (var a in args) info.ArgumentList.Add(a);
        using var tracer = Process.Start(info)!;
        await Task.Delay(3000); // the session is up
        var run = await SideRun.RunAsync(browser, app, floor: false, o); // run with --side-tabs 0: only the typing
        await tracer.WaitForExitAsync();
        return new { trace, run.CpuMsPerKey };
    }
}
