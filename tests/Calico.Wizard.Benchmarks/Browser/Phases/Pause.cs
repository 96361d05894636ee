using System.Diagnostics;
using Microsoft.Playwright;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>
/// --only pause: after five warm-up tabs, --side-tabs wizard tabs on the Network step, paused after 3 s untouched
/// (Wizard:PauseAfter); the managed heap per paused tab (induced full GC: before the tabs, with them paused, and
/// after closing them), then a key on each paused tab: the time from the key to the rules' message for it.
/// </summary>
public static class Pause
{
    public static async Task<object> RunAsync(IBrowser browser, string publish, Options o)
    {
        await using var app = await App.StartAsync(publish, o.Gc, new Dictionary<string, string>(o.AppEnv) { ["Wizard__PauseAfter"] = "00:00:03" });
        await using var context = await browser.NewContextAsync(new() { BypassCSP = true });
        // warm-up: five tabs opened, paused, resumed by a key and closed, so the heap before holds what the first
        // tabs of any run leave behind once (caches of the rules' regexes, EF Core's queries, the DI call sites)
        for (var w = 0; w < 5; w++)
        {
            var warm = await context.NewPageAsync();
            await Pages.OpenNetworkStepAsync(warm, app, $"pause-warm-{w}", "rack-pause");
            await PausedAsync(warm);
            await ResumeByKeyAsync(warm);
            await warm.CloseAsync();
        }
        var heapBefore = await ManagedHeap.InduceGcAsync(app.Pid);
        var tabs = new List<IPage>();
        for (var t = 0; t < o.SideTabs; t++)
        {
            var tab = await context.NewPageAsync();
            await Pages.OpenNetworkStepAsync(tab, app, $"pause-{t}", "rack-pause");
            tabs.Add(tab);
        }
        foreach (var tab in tabs) await PausedAsync(tab);
        await Task.Delay(2000); // the last pauses' disposal settles
        var heapPaused = await ManagedHeap.InduceGcAsync(app.Pid);
        if (o.HoldSeconds > 0)
        {
            Console.WriteLine($"   holding {o.HoldSeconds} s with the tabs paused: the app is pid {app.Pid}");
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(o.HoldSeconds, 600)));
        }
        var resumeMs = new List<double>();
        foreach (var tab in tabs) resumeMs.Add(await ResumeByKeyAsync(tab));
        foreach (var tab in tabs) await tab.CloseAsync();
        await Task.Delay(2000);
        var heapClosed = await ManagedHeap.InduceGcAsync(app.Pid);
        double PerTab(long a, long b) => (a - b) / 1024.0 / tabs.Count;
        var resume = Stats.Of(resumeMs);
        Console.WriteLine($"== {tabs.Count} tabs: managed heap per paused tab {PerTab(heapPaused, heapBefore):F1} KB " +
                          $"(paused minus after closing them: {PerTab(heapPaused, heapClosed):F1} KB); key → rule message on a paused tab: {resume}");
        return new
        {
            tabs = tabs.Count, heapBefore, heapPaused, heapClosed, heapKbPerPausedTab = PerTab(heapPaused, heapBefore),
            heapKbPausedOverClosed = PerTab(heapPaused, heapClosed), resume,
        };
    }

    private static Task PausedAsync(IPage tab) =>
        tab.Locator("html[data-circuit='paused']").WaitForAsync(new() { Timeout = 120_000 });

    /// <summary>
    /// One key on a paused tab, timed from the key to the rules' answer to it: '9' after the MTU makes it out of range,
    /// so the message appears only when the circuit is back and has the typed value. Then the key is undone.
    /// </summary>
    private static async Task<double> ResumeByKeyAsync(IPage tab)
    {
        var mtu = tab.Locator("#mtu");
        var started = Stopwatch.GetTimestamp();
        await mtu.PressAsync("End");
        await mtu.PressAsync("9");
        await tab.GetByTestId("mtu-error").WaitForAsync(new() { Timeout = 60_000 });
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await mtu.PressAsync("Backspace");
        await tab.GetByTestId("mtu-error").WaitForAsync(new() { State = WaitForSelectorState.Hidden, Timeout = 60_000 });
        return ms;
    }
}
