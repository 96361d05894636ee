using Microsoft.Playwright;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>
/// Diagnostic (--only keytrace): for 20 real keystrokes, when each circuit message was sent and received
/// relative to keydown, and its size — where a keystroke's time goes between the browser and the server.
/// </summary>
public static class KeyTrace
{
    public static async Task<object> RunAsync(IBrowser browser, App app)
    {
        await using var context = await browser.NewContextAsync(new() { BypassCSP = true }); // the probes are evaluated scripts
        var page = await context.NewPageAsync();
        await page.AddInitScriptAsync("""
            (() => {
              const log = window.__ws = [];
              const Native = window.WebSocket;
              window.WebSocket = function (...args) {
                const ws = new Native(...args);
                const send = ws.send.bind(ws);
                ws.send = data => { log.push({ t: performance.now(), dir: 'sent', bytes: data.byteLength ?? data.length }); return send(data); };
                ws.addEventListener('message', e => log.push({ t: performance.now(), dir: 'recv', bytes: e.data.byteLength ?? e.data.size ?? e.data.length }));
                return ws;
              };
              window.WebSocket.prototype = Native.prototype;
              Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
            })();
            """);
        await Pages.OpenNetworkStepAsync(page, app, "perf-trace", "rack-trace");
        await page.EvaluateAsync(KeystrokeLatency.Probe);
        await page.Locator("#containers-cidr").ClickAsync();
        await page.Keyboard.PressAsync("End");
        var lines = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var from = await page.EvaluateAsync<int>("window.__ws.length");
            await page.Keyboard.PressAsync(i % 2 == 0 ? "9" : "Backspace");
            await page.WaitForFunctionAsync($"window.__perf.samples.length >= {i + 1}", null, new() { Timeout = 10_000 });
            await page.WaitForTimeoutAsync(150);
            if (i < 20) continue; // warm-up
            var trace = await page.EvaluateAsync<string>(
                $"(() => {{ const t0 = window.__perf.t0; return window.__ws.slice({from})" +
                $".map(m => `${{m.dir}} ${{(m.t - t0).toFixed(1)}}ms ${{m.bytes}}B`).join(', ')" +
                $" + ` | message ${{window.__perf.samples.at(-1).ms.toFixed(1)}}ms`; }})()");
            lines.Add(trace);
            Console.WriteLine(trace);
        }
        return lines;
    }
}
