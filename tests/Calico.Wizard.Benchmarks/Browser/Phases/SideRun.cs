using System.Diagnostics;
using Microsoft.Playwright;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>One side-by-side run of one app, freshly started: the keys typed, then the idle tabs.</summary>
/// <param name="CpuMsPerKey">the app's utime + stime over the measured keys, per key</param>
/// <param name="CpuMsPerKeyWithoutJit">the same, less the CPU of the runtime's tiered-compilation thread (the JIT
/// promoting hot methods in the background: work a young process does once, not work a key brings)</param>
/// <param name="SwitchesPerKey">the app's context switches (all threads, voluntary or not) per measured key</param>
/// <param name="Keys">keystroke → message over the measured keys</param>
/// <param name="HeapKbPerCircuit">managed heap per idle circuit on the page the keys were typed on: the floor's
/// one-field page, the wizard's Network step</param>
/// <param name="NetworkHeapKbPerCircuit">the floor only: managed heap per idle circuit on /network-floor, the Network
/// step's MudBlazor controls bound to plain fields (null for the wizard, whose Network step is <paramref name="HeapKbPerCircuit"/>)</param>
public sealed record SideRun(
    bool Floor, double CpuMsPerKey, double CpuMsPerKeyWithoutJit, double SwitchesPerKey, Stats Keys, double HeapKbPerCircuit,
    double? NetworkHeapKbPerCircuit)
{
    /// <summary>
    /// --side-warmup keys, then --side-keys measured keys on the Containers CIDR field ('9' / Backspace, each waited for),
    /// then --side-tabs idle tabs on the same page, and on the floor --side-tabs more on /network-floor.
    /// </summary>
    public static async Task<SideRun> RunAsync(IBrowser browser, App app, bool floor, Options o)
    {
        // the probes are evaluated scripts: the wizard's CSP (script-src 'self') would refuse them
        await using var context = await browser.NewContextAsync(new() { BypassCSP = true });
        var page = await context.NewPageAsync();
        if (floor) await Pages.OpenFloorAsync(page, app);
        else await Pages.OpenNetworkStepAsync(page, app, "side-keys", "rack-side");
        await page.EvaluateAsync(KeystrokeLatency.Probe);
        await page.Locator("#containers-cidr").ClickAsync();
        await page.Keyboard.PressAsync("End");
        var heapBeforeTyping = await ManagedHeap.InduceGcAsync(app.Pid);
        var cpuBefore = 0L;
        AllocationRecorder? allocations = null;
        ThreadCpu? threads = null;
        Process? perf = null;
        var expected = 0;
        var lost = 0;
        var warmSamples = 0;
        for (var i = 0; i < o.SideWarmup + o.SideKeys; i++)
        {
            if (i == o.SideWarmup)
            {
                if (o.SideAllocs) allocations = await AllocationRecorder.StartAsync(app.Pid);
                if (o.SidePerf) perf = await PerfRecord.StartAsync(app.Pid, floor);
                cpuBefore = ProcessCpu.CpuTicks(app.Pid);
                threads = ThreadCpu.Start(app.Pid);
                warmSamples = expected;
            }
            // each key flips the field between valid and invalid, so each one shows or hides the message
            var value = await page.Locator("#containers-cidr").InputValueAsync();
            await page.Keyboard.PressAsync(value.EndsWith("169", StringComparison.Ordinal) ? "Backspace" : "9");
            expected++;
            try { await page.WaitForFunctionAsync($"window.__perf.samples.length >= {expected}", null, new() { Timeout = 10_000 }); }
            catch (TimeoutException)
            {
                // a keystroke whose effect never came back (the server's render crossed the next input): counted, not timed
                lost++;
                expected = await page.EvaluateAsync<int>("window.__perf.samples.length");
            }
        }
        var cpuMs = (ProcessCpu.CpuTicks(app.Pid) - cpuBefore) * 1000.0 / ProcessCpu.ClockTicksPerSecond;
        var who = floor ? "floor" : "wizard";
        if (perf is not null) await PerfRecord.StopAsync(perf);
        var (byThread, switches) = await threads!.StopAsync();
        var jitMs = byThread.Where(t => t.Key.StartsWith(".NET Tiered Com", StringComparison.Ordinal)).Sum(t => t.Value) * 1000.0
            / ProcessCpu.ClockTicksPerSecond;
        Console.WriteLine($"   {who}: {switches / (double)o.SideKeys:F1} context switches per key; CPU by thread over the measured keys (ms): " +
                          string.Join(", ", byThread.OrderByDescending(t => t.Value).Take(8)
                              .Select(t => $"{t.Key} {t.Value * 1000 / ProcessCpu.ClockTicksPerSecond:F0}")));
        if (allocations is not null) Console.WriteLine($"   {who}: {await allocations.StopAsync(o.SideKeys)}");
        var samples = await page.EvaluateAsync<KeystrokeLatency.Sample[]>("window.__perf.samples");
        var keys = Stats.Of(samples.Skip(warmSamples).Select(s => s.Ms).ToArray());
        if (lost > 0) Console.WriteLine($"   ({who}: {lost} keystroke(s) of {o.SideWarmup + o.SideKeys} showed no change within 10 s)");

        var heapBefore = await ManagedHeap.InduceGcAsync(app.Pid);
        Console.WriteLine($"   {who}: managed heap after {o.SideWarmup + o.SideKeys} keys in one tab " +
                          $"{(heapBefore - heapBeforeTyping) / 1024.0:+0;-0} KB against before them");
        var heapKb = await HeapKbPerTabAsync(context, app, o.SideTabs, heapBefore, (tab, t) => floor
            ? Pages.OpenFloorAsync(tab, app)
            : Pages.OpenNetworkStepAsync(tab, app, $"side-tab-{t}", "rack-side"));

        double? networkKb = null;
        if (floor && o.SideTabs > 0)
        {
            // Warm as the wizard is: its typing tab drew the Network step, so whatever its controls create once per
            // process (component type metadata, MudBlazor's caches) is in its baseline. The one-field page never drew a
            // radio, a switch, a paper or a button: one tab on /network-floor first, left open, puts them in this one.
            // The one-field tabs stay open too: the figure is what --side-tabs more tabs add.
            await Pages.OpenNetworkFloorAsync(await context.NewPageAsync(), app);
            var networkBefore = await ManagedHeap.InduceGcAsync(app.Pid);
            networkKb = await HeapKbPerTabAsync(context, app, o.SideTabs, networkBefore, (tab, _) => Pages.OpenNetworkFloorAsync(tab, app));
        }
        return new SideRun(floor, cpuMs / o.SideKeys, (cpuMs - jitMs) / o.SideKeys, switches / (double)o.SideKeys, keys, heapKb, networkKb);
    }

    /// <summary>
    /// <paramref name="tabs"/> idle tabs opened one after the other and left open, then the managed heap after an induced
    /// full GC (as dotnet-gcdump collect induces it) minus <paramref name="heapBefore"/>, per tab, in KB (0 for no tabs).
    /// </summary>
    private static async Task<double> HeapKbPerTabAsync(IBrowserContext context, App app, int tabs, long heapBefore, Func<IPage, int, Task> open)
    {
        for (var t = 0; t < tabs; t++) await open(await context.NewPageAsync(), t);
        var heapAfter = await ManagedHeap.InduceGcAsync(app.Pid);
        return tabs == 0 ? 0 : (heapAfter - heapBefore) / 1024.0 / tabs;
    }
}
