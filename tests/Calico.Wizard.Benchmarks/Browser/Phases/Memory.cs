using Microsoft.Playwright;
using static Calico.Wizard.Benchmarks.Browser.Report;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>
/// Memory per idle circuit: the app's resident set (VmRSS, Linux's working set) before and after opening N
/// wizard tabs (/ → a new draft → /wizard/{id}, interactive, left open). Before each reading: a full blocking GC
/// induced over the runtime's diagnostics IPC (an EventPipe session with the GCHeapCollect keyword, as
/// dotnet-gcdump does; no debugger, no endpoint in the app), then a 10 s settle, then the median of 5 readings
/// 1 s apart. The same GC's GCHeapStats event gives the managed heap, reported beside the RSS.
/// </summary>
public static class Memory
{
    public static async Task<object> RunAsync(IBrowser browser, App app, Options o)
    {
        var contexts = new List<IBrowserContext>();
        for (var c = 0; c < 4; c++) contexts.Add(await browser.NewContextAsync());
        // Warm-up: one tab through every step once, so JIT, caches and pools are in the baseline; it stays open.
        var warm = await contexts[0].NewPageAsync();
        await Pages.OpenNetworkStepAsync(warm, app, "perf-warm", "rack-warm");
        await warm.Locator("#containers-cidr").FillAsync("10.20.0.1/16");
        await warm.Locator(KeystrokeLatency.ErrorSelector).WaitForAsync();
        await warm.GotoAsync(app.Url.ToString());
        await Pages.WaitInteractiveAsync(warm);

        var before = await ResidentSet.SettledRssAsync(app, induceGc: true);
        var heapBefore = app.LastHeap;
        var beforeNoGc = await ResidentSet.SettledRssAsync(app, induceGc: false);
        var pages = new List<IPage>();
        using var gate = new SemaphoreSlim(4);
        await Task.WhenAll(Enumerable.Range(0, o.Tabs).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var page = await contexts[i % contexts.Count].NewPageAsync();
                if (o.MemoryStep == "network") await Pages.OpenNetworkStepAsync(page, app, $"perf-mem-{i:D3}", "rack-mem");
                else { await page.GotoAsync(app.Url.ToString()); await Pages.WaitInteractiveAsync(page); }
                lock (pages) pages.Add(page);
            }
            finally { gate.Release(); }
        }));
        var afterNoGc = await ResidentSet.SettledRssAsync(app, induceGc: false);
        var after = await ResidentSet.SettledRssAsync(app, induceGc: true);
        var heapAfter = app.LastHeap;
        var heapPerCircuit = (heapAfter - heapBefore) / (double)o.Tabs;
        var perCircuit = (after - before) / (double)o.Tabs;
        var perCircuitNoGc = (afterNoGc - beforeNoGc) / (double)o.Tabs;
        Console.WriteLine();
        Console.WriteLine($"== memory per idle wizard circuit ({pages.Count} tabs open on the {o.MemoryStep} step, app GC {o.Gc})");
        Console.WriteLine($"   after induced full GC: RSS {Mb(before)} → {Mb(after)}: {Kb((long)perCircuit)} per circuit");
        Console.WriteLine($"   managed heap after induced full GC: {Mb(heapBefore)} → {Mb(heapAfter)}: {Kb((long)heapPerCircuit)} per circuit");
        Console.WriteLine($"   settled, no induced GC: RSS {Mb(beforeNoGc)} → {Mb(afterNoGc)}: {Kb((long)perCircuitNoGc)} per circuit");
        if (o.HoldSeconds > 0)
        {
            Console.WriteLine($"   holding the tabs open {o.HoldSeconds} s: the app is pid {app.Pid} (e.g. dotnet-gcdump collect -p {app.Pid})");
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(o.HoldSeconds, 600)));
        }
        foreach (var c in contexts) await c.DisposeAsync();
        return new
        {
            tabs = pages.Count, gc = o.Gc, rssBefore = before, rssAfter = after, bytesPerCircuit = perCircuit, heapBefore, heapAfter,
            heapBytesPerCircuit = heapPerCircuit, rssBeforeNoGc = beforeNoGc, rssAfterNoGc = afterNoGc, bytesPerCircuitNoGc = perCircuitNoGc,
        };
    }
}
