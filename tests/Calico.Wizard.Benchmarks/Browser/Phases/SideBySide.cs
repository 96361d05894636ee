using Microsoft.Playwright;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>
/// Side by side (issues 16 and 28): the wizard against the floor (tests/Calico.Wizard.Benchmarks/Floor), a bare Blazor
/// Server app with MudBlazor's providers and two pages: / (one MudTextField validated per keystroke) and /network-floor
/// (the wizard's Network step as it shows by default, Calico chosen and Advanced closed: the same MudBlazor controls
/// bound to plain fields, no rules, store or map). Both published Release, each started fresh per run on 127.0.0.1,
/// runs alternating floor/wizard. Per run (<see cref="SideRun"/>): --side-warmup warm-up keystrokes, then --side-keys
/// real key presses ('9' / Backspace, each waiting for the message to appear / go) on the Containers CIDR field, on
/// the floor's one-field page and the wizard's Network step; server CPU per keystroke = the process's utime+stime
/// (/proc/PID/stat) over them / keys. Then --side-tabs idle tabs at the same page: managed heap per circuit = the GC
/// heap after an induced full GC (as dotnet-gcdump collect does) with the tabs open minus before, / tabs; on the floor
/// then as many again on /network-floor, measured the same way. The wizard's heap per circuit is judged against
/// /network-floor (the stack's own cost for the same form), its CPU and latency against the one-field page.
/// </summary>
public static class SideBySide
{
    public static async Task<object> RunAsync(IBrowser browser, string root, string wizardPublish, Options o)
    {
        var floorPublish = Path.Combine(root, "artifacts", "perf", "floor");
        if (!o.NoPublish) Publisher.Publish(root, floorPublish, "tests/Calico.Wizard.Benchmarks/Floor");
        var runs = new List<SideRun>();
        for (var r = 0; r < o.SideRuns; r++)
            foreach (var floor in new[] { true, false })
            {
                await using var app = floor
                    ? await App.StartAsync(floorPublish, o.Gc, o.AppEnv, "Calico.Wizard.Floor.dll")
                    : await App.StartAsync(wizardPublish, o.Gc, o.AppEnv);
                var run = await SideRun.RunAsync(browser, app, floor, o);
                Console.WriteLine(SideBySideReport.RunLine(run, r));
                runs.Add(run);
            }
        return SideBySideReport.Print(runs, o);
    }
}
