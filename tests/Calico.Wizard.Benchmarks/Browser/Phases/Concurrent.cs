using System.Diagnostics;
using Microsoft.Playwright;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>
/// 200 concurrent sessions: N wizard tabs on the Network step (spread over 4 browser contexts), all typing at
/// once. Each tab runs its own loop in the page — set the Containers CIDR input's value, dispatch an input event
/// (what Blazor listens to), wait (MutationObserver) for the message to appear / disappear, record the time,
/// pause a random think time — so the Playwright driver is not the bottleneck. Bounded: per-session keystrokes,
/// a 10 s timeout per keystroke (counted, not hidden).
/// </summary>
public static class Concurrent
{
    private const string SessionLoop = """
        async ({ n, thinkMin, thinkMax, timeoutMs }) => {
          const input = document.getElementById('containers-cidr');
          const sel = '[data-testid="containers-cidr-error"]';
          const valid = input.value, invalid = valid + '9';
          const sleep = ms => new Promise(r => setTimeout(r, ms));
          const results = []; let timeouts = 0;
          const started = performance.now();
          await sleep(Math.random() * thinkMax);
          for (let i = 0; i < n; i++) {
            const wantShown = i % 2 === 0;
            const t0 = performance.now();
            const done = new Promise(resolve => {
              const mo = new MutationObserver(() => {
                if (!!document.querySelector(sel) === wantShown) { mo.disconnect(); clearTimeout(timer); resolve(performance.now() - t0); }
              });
              mo.observe(document.body, { childList: true, subtree: true });
              const timer = setTimeout(() => { mo.disconnect(); resolve(null); }, timeoutMs);
            });
            input.value = wantShown ? invalid : valid;
            input.dispatchEvent(new Event('input', { bubbles: true }));
            const ms = await done;
            if (ms === null) timeouts++; else results.push(ms);
            await sleep(thinkMin + Math.random() * (thinkMax - thinkMin));
          }
          return { results, timeouts, elapsedMs: performance.now() - started, visibility: document.visibilityState };
        }
        """;

    public static async Task<object> RunAsync(IBrowser browser, App app, Options o)
    {
        var contexts = new List<IBrowserContext>();
        for (var c = 0; c < 4; c++) contexts.Add(await browser.NewContextAsync());
        var pages = new IPage[o.Sessions];
        using var gate = new SemaphoreSlim(4);
        var opening = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, o.Sessions).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var page = await contexts[i % contexts.Count].NewPageAsync();
                await Pages.OpenNetworkStepAsync(page, app, $"perf-{i:D3}", "rack-load");
                pages[i] = page;
            }
            finally { gate.Release(); }
        }));
        Console.WriteLine();
        Console.WriteLine($"== {o.Sessions} concurrent sessions opened on the Network step in {opening.Elapsed.TotalSeconds:F0} s; " +
                          $"typing {o.PerSession} keystrokes each, think {o.ThinkMin}–{o.ThinkMax} ms");
        // The harness's own cost: 10 s with every session open and nobody typing.
        var (idleApp0, idleBusy0) = (ProcessCpu.ProcessCpuSeconds(app.Pid), ProcessCpu.MachineBusySeconds());
        await Task.Delay(TimeSpan.FromSeconds(10));
        var (idleApp, idleBusy) = (ProcessCpu.ProcessCpuSeconds(app.Pid) - idleApp0, ProcessCpu.MachineBusySeconds() - idleBusy0);
        Console.WriteLine($"   idle, {o.Sessions} sessions open: machine {idleBusy / 10:F2} cores busy (the app {idleApp / 10:F2})");
        var (appCpu0, busy0) = (ProcessCpu.ProcessCpuSeconds(app.Pid), ProcessCpu.MachineBusySeconds());
        await using var metrics = ServerMetrics.Start(app.Pid);
        var clock = Stopwatch.StartNew();
        var loop = new { n = o.PerSession, thinkMin = o.ThinkMin, thinkMax = o.ThinkMax, timeoutMs = 10_000 };
        var runs = await Task.WhenAll(pages.Select(p => p.EvaluateAsync<SessionRun>(SessionLoop, loop)));
        clock.Stop();
        var (appCpu, busy) = (ProcessCpu.ProcessCpuSeconds(app.Pid) - appCpu0, ProcessCpu.MachineBusySeconds() - busy0);
        var serverSide = await metrics.StopAsync();
        var ms = runs.SelectMany(r => r.Results).ToArray();
        var timeouts = runs.Sum(r => r.Timeouts);
        var stats = Stats.Of(ms);
        var rate = (ms.Length + timeouts) / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"   {stats}; timeouts {timeouts}; {rate:F0} keystrokes/s over {clock.Elapsed.TotalSeconds:F0} s; " +
                          $"page visibility: {string.Join(",", runs.Select(r => r.Visibility).Distinct())}");
        var keystrokes = ms.Length + timeouts;
        foreach (var line in serverSide.Lines) Console.WriteLine("   " + line);
        Console.WriteLine($"   CPU while typing: machine {busy:F1} s busy of {clock.Elapsed.TotalSeconds * Environment.ProcessorCount:F1} s; " +
                          $"the app {appCpu:F1} s ({1000 * appCpu / keystrokes:F1} ms per keystroke, {appCpu / clock.Elapsed.TotalSeconds:P0} of one core), " +
                          $"Chromium + Playwright + rest {busy - appCpu:F1} s");
        foreach (var c in contexts) await c.DisposeAsync();
        return new
        {
            sessions = o.Sessions, perSession = o.PerSession, thinkMs = new[] { o.ThinkMin, o.ThinkMax }, keystrokesPerSecond = rate, timeouts, stats,
            appCpuSeconds = appCpu, machineBusySeconds = busy, elapsedSeconds = clock.Elapsed.TotalSeconds, idleCoresBusy = idleBusy / 10,
            idleAppCores = idleApp / 10, serverHandleEvent = serverSide.Series,
        };
    }

    public sealed class SessionRun
    {
        public double[] Results { get; set; } = [];
        public int Timeouts { get; set; }
        public double ElapsedMs { get; set; }
        public string Visibility { get; set; } = "";
    }
}
