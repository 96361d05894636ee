using Microsoft.Playwright;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>
/// Keystroke → message: real key presses (Playwright's keyboard, through CDP) into the Containers CIDR field,
/// toggling it invalid ("…/169") and valid (Backspace), timed in the page by <see cref="KeystrokeLatency.Probe"/>.
/// One keystroke at a time, then a pause, as a person types.
/// </summary>
public static class Keystroke
{
    public static async Task<object> RunAsync(IBrowser browser, App app, Options o)
    {
        // the probe and the waits are evaluated scripts: the wizard's CSP (script-src 'self') would refuse them
        await using var context = await browser.NewContextAsync(new() { BypassCSP = true });
        var page = await context.NewPageAsync();
        await Pages.OpenNetworkStepAsync(page, app, "perf-keys", "rack-keys");
        await page.EvaluateAsync(KeystrokeLatency.Probe);
        var input = page.Locator("#containers-cidr");
        await input.ClickAsync();
        await page.Keyboard.PressAsync("End");
        var total = o.Warmup + o.Keystrokes;
        for (var i = 0; i < total; i++)
        {
            await page.Keyboard.PressAsync(i % 2 == 0 ? "9" : "Backspace");
            await page.WaitForFunctionAsync($"window.__perf.samples.length >= {i + 1}", null, new() { Timeout = 10_000 });
            await page.WaitForTimeoutAsync(o.KeyPauseMs);
        }
        var samples = await page.EvaluateAsync<KeystrokeLatency.Sample[]>("window.__perf.samples");
        if (samples.Where((s, i) => s.Shown != (i % 2 == 0)).Any()) throw new InvalidOperationException("the message did not follow the keystrokes");
        var ms = samples.Skip(o.Warmup).Select(s => s.Ms).ToArray();
        var stats = Stats.Of(ms);
        Console.WriteLine();
        Console.WriteLine($"== keystroke → message (Containers CIDR, real key presses, {o.KeyPauseMs} ms between keys, {o.Warmup} warm-up keystrokes dropped)");
        Console.WriteLine($"   {stats}");
        return new { keystrokes = ms.Length, warmup = o.Warmup, pauseMs = o.KeyPauseMs, stats };
    }
}
