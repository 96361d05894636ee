using System.Globalization;
using Microsoft.Playwright;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>
/// Side by side (issue 16): the wizard against the floor — a bare Blazor Server page with MudBlazor's providers and
/// one MudTextField validated per keystroke (tests/Calico.Wizard.Benchmarks/Floor). Both published Release, each
/// started fresh per run on 127.0.0.1, runs alternating floor/wizard. Per run (<see cref="SideRun"/>): --side-warmup
/// warm-up keystrokes, then --side-keys real key presses ('9' / Backspace, each waiting for the message to appear / go)
/// on the Containers CIDR field; server CPU per keystroke = the process's utime+stime (/proc/PID/stat) over them / keys.
/// Then --side-tabs idle tabs at the same page: managed heap per circuit = the GC heap after an induced full GC
/// (as dotnet-gcdump collect does) with the tabs open minus before, / tabs.
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
                Console.WriteLine($"   {(floor ? "floor " : "wizard")} run {r + 1}: {run.CpuMsPerKey:F2} ms CPU/key " +
                                  $"({run.CpuMsPerKeyWithoutJit:F2} without the JIT thread), p50 {run.Keys.P50:F1} ms, p95 {run.Keys.P95:F1} ms, " +
                                  $"heap/circuit {run.HeapKbPerCircuit:F0} KB");
                runs.Add(run);
            }
        double Mean(bool floor, Func<SideRun, double> f) => runs.Where(r => r.Floor == floor).Average(f);
        var rows = new (string Name, Func<SideRun, double> Of, string Unit)[]
        {
            ("server CPU per keystroke", r => r.CpuMsPerKey, "ms"),
            ("… less the JIT's tier-up thread", r => r.CpuMsPerKeyWithoutJit, "ms"),
            ("context switches per keystroke", r => r.SwitchesPerKey, ""),
            ("keystroke → message p50", r => r.Keys.P50, "ms"),
            ("keystroke → message p95", r => r.Keys.P95, "ms"),
            ("managed heap per idle circuit", r => r.HeapKbPerCircuit, "KB"),
        };
        Console.WriteLine();
        Console.WriteLine($"== side by side ({o.SideRuns} runs each, {o.SideKeys} keys, {o.SideTabs} tabs)");
        Console.WriteLine("| | floor | wizard | ratio |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (name, of, unit) in rows)
        {
            var f = runs.Where(r => r.Floor).Select(of).ToArray();
            var w = runs.Where(r => !r.Floor).Select(of).ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {Values(f)} {unit} | {Values(w)} {unit} | {w.Average() / f.Average():F2}× |"));
        }
        return new
        {
            runs,
            cpuRatio = Mean(false, r => r.CpuMsPerKey) / Mean(true, r => r.CpuMsPerKey),
            heapRatio = Mean(false, r => r.HeapKbPerCircuit) / Mean(true, r => r.HeapKbPerCircuit),
        };
    }

    private static string Values(double[] values) => string.Join(", ", values.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)));
}
