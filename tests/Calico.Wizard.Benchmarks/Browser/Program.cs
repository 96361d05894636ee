using Calico.Wizard.Headless;
using Calico.Wizard.Testing;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;
using Microsoft.Playwright;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>
/// The wizard's browser figures (docs/performance.md), measured with Playwright in Debian's Chromium against the
/// app published in Release and started on a free 127.0.0.1 port with its own SQLite file. Every phase gets a
/// freshly started app; every loop is bounded in count and time. No traffic goes anywhere but 127.0.0.1.
///
///   dotnet run -c Release --project tests/Calico.Wizard.Benchmarks/Browser [-- options]
///
/// Options (defaults in brackets):
///   --only firstload,keystroke,memory,concurrent   phases to run [all]
///   --no-publish            reuse artifacts/perf/publish instead of publishing again
///   --keystrokes N          measured keystrokes in the keystroke phase [200] (plus --warmup [20])
///   --tabs N                idle wizard tabs in the memory phase [100]
///   --sessions N            concurrent wizard sessions [200], --per-session N keystrokes each [20],
///   --think MIN-MAX         pause between one session's keystrokes, ms [250-750]
///   --gc server|workstation the app's GC (Web SDK default: server) [server]
///   --out FILE              results as JSON [artifacts/perf/browser-results.json]
///   --app-env K=V           an environment variable for the app (experiments, e.g. DOTNET_gcServer=0)
///   --hold S                memory phase: keep the tabs open S more seconds (≤ 600) to inspect the app
///   --memory-step cluster|network  memory phase: the step the tabs stay on [cluster]
///   --only keytrace         diagnostic: circuit messages around 20 real keystrokes, timed from keydown
///   --only pause            idle tabs paused: managed heap per paused tab, key → rule message on a paused tab
///   --only capacity         the server on core 0, this process and Chromium on core 1 (taskset); for each of
///                           --capacity-sessions N,N,.. [20,40,60] sessions typing one key a second (think 900–1100 ms,
///                           30 keys each): keystroke p50/p95 and the server's share of its one core
///   --only apicosts         the review's hostile drafts over HTTP (issue 27): the 422's size and the server CPU of the
///                           amplification draft, the manifests GET at the caps, whether the poison draft's job ends (ApiCosts.cs)
///   --only sidebyside       the wizard against the floor app (Floor/): CPU per keystroke, keystroke p50/p95 and
///                           managed heap per idle circuit, each app published Release, two runs each, alternating;
///                           --side-keys N [390], --side-tabs N [30], --side-runs N [2], --side-warmup N [600]
///                           (keys typed first, until the JIT's tiering has settled). The CPU per key is also
///                           given without the runtime's tiered-compilation thread (/proc/PID/task: one-time JIT
///                           work of a young process). Diagnostics over the measured keys: --side-allocs (bytes
///                           allocated, GCs and the app's own time in each event handler per key, over EventPipe),
///                           --side-perf (perf record into artifacts/perf/{floor,wizard}.perf.data)
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var o = Options.Parse(args);
        var root = Repository.Root;
        var publish = Path.Combine(root, "artifacts", "perf", "publish");
        if (!o.NoPublish) Publish(root, publish);
        var chromium = BrowserContract.ChromiumPath;
        if (!File.Exists(chromium)) { Console.Error.WriteLine($"Chromium not found at {chromium} (apt-get install chromium, or set CHROMIUM_PATH)"); return 1; }

        var results = new Dictionary<string, object>
        {
            ["date"] = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture),
            ["machine"] = Machine(),
            ["gc"] = o.Gc,
            ["appEnv"] = o.AppEnv,
            ["app"] = "published Release (dotnet publish -c Release), ASPNETCORE_ENVIRONMENT=Production",
        };
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Args = BrowserContract.ChromiumArgs, Headless = true });
        results["browser"] = browser.Version;
        Console.WriteLine($"Chromium {browser.Version}; app GC: {o.Gc}");

        if (o.Runs("firstload")) results["firstLoad"] = await Phase(publish, o, app => FirstLoadAsync(browser, app));
        if (o.Runs("keystroke")) results["keystroke"] = await Phase(publish, o, app => KeystrokeAsync(browser, app, o));
        if (o.Only.Contains("keytrace")) results["keytrace"] = await Phase(publish, o, app => KeyTraceAsync(browser, app));
        if (o.Runs("memory")) results["memory"] = await Phase(publish, o, app => MemoryAsync(browser, app, o));
        if (o.Runs("concurrent")) results["concurrent"] = await Phase(publish, o, app => ConcurrentAsync(browser, app, o));
        if (o.Only.Contains("sidebyside")) results["sideBySide"] = await SideBySideAsync(browser, root, publish, o);
        if (o.Only.Contains("pause")) results["pause"] = await PauseAsync(browser, publish, o);
        if (o.Only.Contains("capacity")) results["capacity"] = await CapacityAsync(browser, publish, o);
        if (o.Only.Contains("apicosts")) results["apiCosts"] = await Phase(publish, o, ApiCosts.RunAsync);
        if (o.Only.Contains("profile")) results["profile"] = await Phase(publish, o, app => ProfileAsync(browser, app, o));

        var outFile = o.Out ?? Path.Combine(root, "artifacts", "perf", "browser-results.json");
        Directory.CreateDirectory(Path.GetDirectoryName(outFile)!);
        await File.WriteAllTextAsync(outFile, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"results: {outFile}");
        return 0;
    }

    private static async Task<object> Phase(string publish, Options o, Func<App, Task<object>> run)
    {
        await using var app = await App.StartAsync(publish, o.Gc, o.AppEnv);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(15)); // no phase runs longer
        var task = run(app);
        if (await Task.WhenAny(task, Task.Delay(Timeout.Infinite, deadline.Token)) != task)
            throw new TimeoutException("a phase ran longer than 15 minutes");
        return await task;
    }

    // ---------------------------------------------------------------------------------------------------------
    // First load: every byte Chromium receives (HTTP responses, headers included, as CDP's encodedDataLength), from
    // navigating to / until the wizard is interactive, with a fresh cache. WebSocket (circuit) frames are counted apart.

    private static async Task<object> FirstLoadAsync(IBrowser browser, App app)
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var cdp = await context.NewCDPSessionAsync(page);
        var requests = new Dictionary<string, Resource>();
        long wsReceived = 0, wsSent = 0;
        string? acceptEncoding = null;
        Resource Get(JsonElement e) { var id = e.GetProperty("requestId").GetString()!; return requests.TryGetValue(id, out var r) ? r : requests[id] = new Resource(); }
        long redirects = 0;
        cdp.Event("Network.requestWillBeSent").OnEvent += (_, e) =>
        {
            if (e is not { } v) return;
            Get(v).Url = v.GetProperty("request").GetProperty("url").GetString()!;
            if (v.TryGetProperty("redirectResponse", out var redirect)) redirects += redirect.GetProperty("encodedDataLength").GetInt64(); // a redirect has no loadingFinished of its own
        };
        cdp.Event("Network.requestWillBeSentExtraInfo").OnEvent += (_, e) =>
        {
            if (e is { } v && acceptEncoding is null && v.GetProperty("headers").EnumerateObject().FirstOrDefault(h => h.Name.Equals("accept-encoding", StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.String } h)
                acceptEncoding = h.Value.GetString();
        };
        cdp.Event("Network.responseReceived").OnEvent += (_, e) =>
        {
            if (e is not { } v) return;
            var r = Get(v);
            var response = v.GetProperty("response");
            r.Status = response.GetProperty("status").GetInt32();
            r.Encoding = response.GetProperty("headers").EnumerateObject().FirstOrDefault(h => h.Name.Equals("content-encoding", StringComparison.OrdinalIgnoreCase)).Value.ToString();
        };
        cdp.Event("Network.dataReceived").OnEvent += (_, e) => { if (e is { } v) Get(v).Decoded += v.GetProperty("dataLength").GetInt64(); };
        cdp.Event("Network.loadingFinished").OnEvent += (_, e) => { if (e is { } v) Get(v).Transferred = v.GetProperty("encodedDataLength").GetInt64(); };
        cdp.Event("Network.webSocketFrameReceived").OnEvent += (_, e) => { if (e is { } v) Interlocked.Add(ref wsReceived, FrameBytes(v)); };
        cdp.Event("Network.webSocketFrameSent").OnEvent += (_, e) => { if (e is { } v) Interlocked.Add(ref wsSent, FrameBytes(v)); };
        await cdp.SendAsync("Network.enable");

        await page.GotoAsync(app.Url.ToString());
        await WaitInteractiveAsync(page);
        await page.WaitForTimeoutAsync(2000); // late requests (favicon, …)

        var finished = requests.Values.Where(r => r.Transferred > 0).OrderByDescending(r => r.Transferred).ToList();
        var total = finished.Sum(r => r.Transferred) + redirects;
        Console.WriteLine();
        Console.WriteLine($"== first load: {finished.Count} HTTP responses, {Kb(total)} transferred (compressed, headers included); Accept-Encoding: {acceptEncoding}");
        Console.WriteLine("| resource | status | content-encoding | transferred | decoded body |");
        Console.WriteLine("|---|---|---|---:|---:|");
        foreach (var r in finished)
            Console.WriteLine($"| {ShortUrl(r.Url, app.Url)} | {r.Status} | {(string.IsNullOrEmpty(r.Encoding) ? "none" : r.Encoding)} | {Kb(r.Transferred)} | {Kb(r.Decoded)} |");
        if (redirects > 0) Console.WriteLine($"| redirects (/ → /wizard/{{id}}) | 302 | | {Kb(redirects)} | |");
        Console.WriteLine($"| **total HTTP** | | | **{Kb(total)}** | {Kb(finished.Sum(r => r.Decoded))} |");
        Console.WriteLine($"circuit (WebSocket payloads) until interactive + 2 s: received {Kb(wsReceived)}, sent {Kb(wsSent)}");
        return new
        {
            acceptEncoding,
            httpTransferredBytes = total,
            httpDecodedBytes = finished.Sum(r => r.Decoded),
            webSocketReceivedBytes = wsReceived,
            webSocketSentBytes = wsSent,
            redirectBytes = redirects,
            resources = finished.Select(r => new { url = ShortUrl(r.Url, app.Url), r.Status, encoding = r.Encoding, transferred = r.Transferred, decoded = r.Decoded }),
        };
    }

    private sealed class Resource
    {
        public string Url = "";
        public int Status;
        public string? Encoding;
        public long Transferred, Decoded;
    }

    private static long FrameBytes(JsonElement v)
    {
        var response = v.GetProperty("response");
        var payload = response.GetProperty("payloadData").GetString() ?? "";
        return response.GetProperty("opcode").GetDouble() == 2 ? payload.Length * 3 / 4 : Encoding.UTF8.GetByteCount(payload); // binary frames come base64-encoded
    }

    // ---------------------------------------------------------------------------------------------------------
    // Keystroke → message: real key presses (Playwright's keyboard, through CDP) into the Containers CIDR field,
    // toggling it invalid ("…/169") and valid (Backspace). In the page, a capturing keydown listener stamps
    // performance.now(); a MutationObserver stamps the moment [data-testid=containers-cidr-error] appears or
    // disappears. One keystroke at a time, then a pause, as a person types.

    private const string ErrorSelector = "[data-testid=\"containers-cidr-error\"]";

    private const string KeystrokeProbe = """
        () => {
          const sel = '[data-testid="containers-cidr-error"]';
          const p = window.__perf = { t0: 0, shown: !!document.querySelector(sel), samples: [] };
          window.addEventListener('keydown', () => { p.t0 = performance.now(); }, true);
          new MutationObserver(() => {
            const shown = !!document.querySelector(sel);
            if (shown !== p.shown) { p.shown = shown; p.samples.push({ ms: performance.now() - p.t0, shown }); }
          }).observe(document.body, { childList: true, subtree: true });
        }
        """;

    private static async Task<object> KeystrokeAsync(IBrowser browser, App app, Options o)
    {
        // the probe and the waits are evaluated scripts: the wizard's CSP (script-src 'self') would refuse them
        await using var context = await browser.NewContextAsync(new() { BypassCSP = true });
        var page = await context.NewPageAsync();
        await OpenNetworkStepAsync(page, app, "perf-keys", "rack-keys");
        await page.EvaluateAsync(KeystrokeProbe);
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
        var samples = await page.EvaluateAsync<Sample[]>("window.__perf.samples");
        if (samples.Where((s, i) => s.Shown != (i % 2 == 0)).Any()) throw new InvalidOperationException("the message did not follow the keystrokes");
        var ms = samples.Skip(o.Warmup).Select(s => s.Ms).ToArray();
        var stats = Stats.Of(ms);
        Console.WriteLine();
        Console.WriteLine($"== keystroke → message (Containers CIDR, real key presses, {o.KeyPauseMs} ms between keys, {o.Warmup} warm-up keystrokes dropped)");
        Console.WriteLine($"   {stats}");
        return new { keystrokes = ms.Length, warmup = o.Warmup, pauseMs = o.KeyPauseMs, stats };
    }

    public sealed class Sample
    {
        public double Ms { get; set; }
        public bool Shown { get; set; }
    }

    /// <summary>
    /// Diagnostic (--only keytrace): for 20 real keystrokes, when each circuit message was sent and received
    /// relative to keydown, and its size — where a keystroke's time goes between the browser and the server.
    /// </summary>
    private static async Task<object> KeyTraceAsync(IBrowser browser, App app)
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
        await OpenNetworkStepAsync(page, app, "perf-trace", "rack-trace");
        await page.EvaluateAsync(KeystrokeProbe);
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
            var trace = await page.EvaluateAsync<string>($"(() => {{ const t0 = window.__perf.t0; return window.__ws.slice({from}).map(m => `${{m.dir}} ${{(m.t - t0).toFixed(1)}}ms ${{m.bytes}}B`).join(', ') + ` | message ${{window.__perf.samples.at(-1).ms.toFixed(1)}}ms`; }})()");
            lines.Add(trace);
            Console.WriteLine(trace);
        }
        return lines;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Memory per idle circuit: the app's resident set (VmRSS, Linux's working set) before and after opening N
    // wizard tabs (/ → a new draft → /wizard/{id}, interactive, left open). Before each reading: a full blocking GC
    // induced over the runtime's diagnostics IPC (an EventPipe session with the GCHeapCollect keyword, as
    // dotnet-gcdump does; no debugger, no endpoint in the app), then a 10 s settle, then the median of 5 readings
    // 1 s apart. The same GC's GCHeapStats event gives the managed heap, reported beside the RSS.

    private static async Task<object> MemoryAsync(IBrowser browser, App app, Options o)
    {
        var contexts = new List<IBrowserContext>();
        for (var c = 0; c < 4; c++) contexts.Add(await browser.NewContextAsync());
        // Warm-up: one tab through every step once, so JIT, caches and pools are in the baseline; it stays open.
        var warm = await contexts[0].NewPageAsync();
        await OpenNetworkStepAsync(warm, app, "perf-warm", "rack-warm");
        await warm.Locator("#containers-cidr").FillAsync("10.20.0.1/16");
        await warm.Locator(ErrorSelector).WaitForAsync();
        await warm.GotoAsync(app.Url.ToString());
        await WaitInteractiveAsync(warm);

        var before = await SettledRssAsync(app, induceGc: true);
        var heapBefore = app.LastHeap;
        var beforeNoGc = await SettledRssAsync(app, induceGc: false);
        var pages = new List<IPage>();
        using var gate = new SemaphoreSlim(4);
        await Task.WhenAll(Enumerable.Range(0, o.Tabs).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var page = await contexts[i % contexts.Count].NewPageAsync();
                if (o.MemoryStep == "network") await OpenNetworkStepAsync(page, app, $"perf-mem-{i:D3}", "rack-mem");
                else { await page.GotoAsync(app.Url.ToString()); await WaitInteractiveAsync(page); }
                lock (pages) pages.Add(page);
            }
            finally { gate.Release(); }
        }));
        var afterNoGc = await SettledRssAsync(app, induceGc: false);
        var after = await SettledRssAsync(app, induceGc: true);
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
        return new { tabs = pages.Count, gc = o.Gc, rssBefore = before, rssAfter = after, bytesPerCircuit = perCircuit, heapBefore, heapAfter, heapBytesPerCircuit = heapPerCircuit, rssBeforeNoGc = beforeNoGc, rssAfterNoGc = afterNoGc, bytesPerCircuitNoGc = perCircuitNoGc };
    }

    private static async Task<long> SettledRssAsync(App app, bool induceGc)
    {
        if (induceGc) app.LastHeap = await InduceGcAsync(app.Pid);
        await Task.Delay(TimeSpan.FromSeconds(10));
        var readings = new List<long>();
        for (var i = 0; i < 5; i++) { readings.Add(Rss(app.Pid)); await Task.Delay(1000); }
        return readings.Order().ElementAt(2);
    }

    /// <summary>
    /// A blocking full GC in the app, induced over the diagnostics IPC (an EventPipe session enabling the runtime's
    /// GCHeapCollect keyword, as dotnet-gcdump does), and the managed heap it leaves (GCHeapStats: all generations,
    /// LOH and POH). Throws when no induced GC was seen, so a figure never silently rests on a GC that did not run.
    /// </summary>
    private static async Task<long> InduceGcAsync(int pid)
    {
        const long GC = 0x1, GCHeapCollect = 0x800000;
        var client = new DiagnosticsClient(pid);
        using var session = client.StartEventPipeSession([new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GC | GCHeapCollect)], requestRundown: false);
        var induced = false;
        long heap = -1;
        var seen = new TaskCompletionSource();
        var processing = Task.Run(() =>
        {
            using var source = new EventPipeEventSource(session.EventStream);
            source.Clr.GCStart += e => { if (e.Reason == GCReason.Induced && e.Depth == 2) induced = true; };
            source.Clr.GCHeapStats += e =>
            {
                if (!induced) return;
                heap = e.GenerationSize0 + e.GenerationSize1 + e.GenerationSize2 + e.GenerationSize3 + e.GenerationSize4;
                seen.TrySetResult();
            };
            source.Process();
        });
        await Task.WhenAny(seen.Task, Task.Delay(TimeSpan.FromSeconds(15)));
        await session.StopAsync(CancellationToken.None);
        await Task.WhenAny(processing, Task.Delay(TimeSpan.FromSeconds(5)));
        return heap >= 0 ? heap : throw new InvalidOperationException("no induced full GC was observed in the app");
    }

    /// <summary>utime + stime of a process (/proc/PID/stat), in seconds.</summary>
    private static double ProcessCpuSeconds(int pid) => CpuTicks(pid) / ClockTicksPerSecond;

    /// <summary>Busy CPU time of the whole machine (/proc/stat: all but idle and iowait), in seconds.</summary>
    private static double MachineBusySeconds()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return (cpu.Take(8).Sum() - cpu[3] - cpu[4]) / 100.0;
    }

    private static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException("no VmRSS");
    }

    // ---------------------------------------------------------------------------------------------------------
    // 200 concurrent sessions: N wizard tabs on the Network step (spread over 4 browser contexts), all typing at
    // once. Each tab runs its own loop in the page — set the Containers CIDR input's value, dispatch an input event
    // (what Blazor listens to), wait (MutationObserver) for the message to appear / disappear, record the time,
    // pause a random think time — so the Playwright driver is not the bottleneck. Bounded: per-session keystrokes,
    // a 10 s timeout per keystroke (counted, not hidden).

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

    private static async Task<object> ConcurrentAsync(IBrowser browser, App app, Options o)
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
                await OpenNetworkStepAsync(page, app, $"perf-{i:D3}", "rack-load");
                pages[i] = page;
            }
            finally { gate.Release(); }
        }));
        Console.WriteLine();
        Console.WriteLine($"== {o.Sessions} concurrent sessions opened on the Network step in {opening.Elapsed.TotalSeconds:F0} s; typing {o.PerSession} keystrokes each, think {o.ThinkMin}–{o.ThinkMax} ms");
        // The harness's own cost: 10 s with every session open and nobody typing.
        var (idleApp0, idleBusy0) = (ProcessCpuSeconds(app.Pid), MachineBusySeconds());
        await Task.Delay(TimeSpan.FromSeconds(10));
        var (idleApp, idleBusy) = (ProcessCpuSeconds(app.Pid) - idleApp0, MachineBusySeconds() - idleBusy0);
        Console.WriteLine($"   idle, {o.Sessions} sessions open: machine {idleBusy / 10:F2} cores busy (the app {idleApp / 10:F2})");
        var (appCpu0, busy0) = (ProcessCpuSeconds(app.Pid), MachineBusySeconds());
        await using var metrics = ServerMetrics.Start(app.Pid);
        var clock = Stopwatch.StartNew();
        var runs = await Task.WhenAll(pages.Select(p => p.EvaluateAsync<SessionRun>(SessionLoop, new { n = o.PerSession, thinkMin = o.ThinkMin, thinkMax = o.ThinkMax, timeoutMs = 10_000 })));
        clock.Stop();
        var (appCpu, busy) = (ProcessCpuSeconds(app.Pid) - appCpu0, MachineBusySeconds() - busy0);
        var serverSide = await metrics.StopAsync();
        var ms = runs.SelectMany(r => r.Results).ToArray();
        var timeouts = runs.Sum(r => r.Timeouts);
        var stats = Stats.Of(ms);
        var rate = (ms.Length + timeouts) / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"   {stats}; timeouts {timeouts}; {rate:F0} keystrokes/s over {clock.Elapsed.TotalSeconds:F0} s; page visibility: {string.Join(",", runs.Select(r => r.Visibility).Distinct())}");
        var keystrokes = ms.Length + timeouts;
        foreach (var line in serverSide.Lines) Console.WriteLine("   " + line);
        Console.WriteLine($"   CPU while typing: machine {busy:F1} s busy of {clock.Elapsed.TotalSeconds * Environment.ProcessorCount:F1} s; the app {appCpu:F1} s ({1000 * appCpu / keystrokes:F1} ms per keystroke, {appCpu / clock.Elapsed.TotalSeconds:P0} of one core), Chromium + Playwright + rest {busy - appCpu:F1} s");
        foreach (var c in contexts) await c.DisposeAsync();
        return new { sessions = o.Sessions, perSession = o.PerSession, thinkMs = new[] { o.ThinkMin, o.ThinkMax }, keystrokesPerSecond = rate, timeouts, stats, appCpuSeconds = appCpu, machineBusySeconds = busy, elapsedSeconds = clock.Elapsed.TotalSeconds, idleCoresBusy = idleBusy / 10, idleAppCores = idleApp / 10, serverHandleEvent = serverSide.Series };
    }

    public sealed class SessionRun
    {
        public double[] Results { get; set; } = [];
        public int Timeouts { get; set; }
        public double ElapsedMs { get; set; }
        public string Visibility { get; set; } = "";
    }

    // ---------------------------------------------------------------------------------------------------------

    /// <summary>A new draft prefilled through the query (name, network), then Next: the Network step, interactive.</summary>
    private static async Task OpenNetworkStepAsync(IPage page, App app, string name, string network)
    {
        await page.GotoAsync(new Uri(app.Url, $"?name={name}&l2Network={network}").ToString());
        await WaitInteractiveAsync(page);
        await page.GetByTestId("next").ClickAsync();
        await page.GetByTestId("step-network").WaitForAsync(new() { Timeout = 30_000 });
        await page.Locator("#containers-cidr").WaitForAsync();
    }

    private static Task WaitInteractiveAsync(IPage page) =>
        page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 60_000 });

    // ---------------------------------------------------------------------------------------------------------
    // Side by side (issue 16): the wizard against the floor — a bare Blazor Server page with MudBlazor's providers and
    // one MudTextField validated per keystroke (tests/Calico.Wizard.Benchmarks/Floor). Both published Release, each
    // started fresh per run on 127.0.0.1, runs alternating floor/wizard. Per run: --side-warmup warm-up keystrokes, then
    // --side-keys real key presses ('9' / Backspace, each waiting for the message to appear / go) on the Containers
    // CIDR field; server CPU per keystroke = the process's utime+stime (/proc/PID/stat) over them / keys. Then
    // --side-tabs idle tabs at the same page: managed heap per circuit = the GC heap after an induced full GC
    // (as dotnet-gcdump collect does) with the tabs open minus before, / tabs.

    private static async Task<object> SideBySideAsync(IBrowser browser, string root, string wizardPublish, Options o)
    {
        var floorPublish = Path.Combine(root, "artifacts", "perf", "floor");
        if (!o.NoPublish) Publish(root, floorPublish, "tests/Calico.Wizard.Benchmarks/Floor");
        var runs = new List<SideRun>();
        for (var r = 0; r < o.SideRuns; r++)
            foreach (var floor in new[] { true, false })
            {
                await using var app = floor
                    ? await App.StartAsync(floorPublish, o.Gc, o.AppEnv, "Calico.Wizard.Floor.dll")
                    : await App.StartAsync(wizardPublish, o.Gc, o.AppEnv);
                var run = await SideRunAsync(browser, app, floor, o);
                Console.WriteLine($"   {(floor ? "floor " : "wizard")} run {r + 1}: {run.CpuMsPerKey:F2} ms CPU/key ({run.CpuMsPerKeyWithoutJit:F2} without the JIT thread), p50 {run.Keys.P50:F1} ms, p95 {run.Keys.P95:F1} ms, heap/circuit {run.HeapKbPerCircuit:F0} KB");
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
                $"| {name} | {string.Join(", ", f.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)))} {unit} | {string.Join(", ", w.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)))} {unit} | {w.Average() / f.Average():F2}× |"));
        }
        return new { runs, cpuRatio = Mean(false, r => r.CpuMsPerKey) / Mean(true, r => r.CpuMsPerKey), heapRatio = Mean(false, r => r.HeapKbPerCircuit) / Mean(true, r => r.HeapKbPerCircuit) };
    }

    /// <summary>
    /// Diagnostic (--only profile): dotnet-trace's CPU sampling of the app while --side-keys keystrokes are typed as in
    /// the side-by-side phase; the trace is written to artifacts/perf/keystrokes.nettrace for `dotnet-trace report … topN`.
    /// </summary>
    private static async Task<object> ProfileAsync(IBrowser browser, App app, Options o)
    {
        var trace = Path.Combine(Repository.Root, "artifacts", "perf", "keystrokes.nettrace");
        var info = new ProcessStartInfo("dotnet-trace") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "collect", "-p", app.Pid.ToString(CultureInfo.InvariantCulture), "--profile", "dotnet-common,dotnet-sampled-thread-time", "--duration", "00:00:00:30", "-o", trace }) info.ArgumentList.Add(a);
        using var tracer = Process.Start(info)!;
        await Task.Delay(3000); // the session is up
        var run = await SideRunAsync(browser, app, floor: false, o); // run with --side-tabs 0: only the typing
        await tracer.WaitForExitAsync();
        return new { trace, run.CpuMsPerKey };
    }

    /// <summary>
    /// --only pause: after five warm-up tabs, --side-tabs wizard tabs on the Network step, paused after 3 s untouched
    /// (Wizard:PauseAfter); the managed heap per paused tab (induced full GC: before the tabs, with them paused, and
    /// after closing them), then a key on each paused tab: the time from the key to the rules' message for it.
    /// </summary>
    private static async Task<object> PauseAsync(IBrowser browser, string publish, Options o)
    {
        await using var app = await App.StartAsync(publish, o.Gc, new Dictionary<string, string>(o.AppEnv) { ["Wizard__PauseAfter"] = "00:00:03" });
        await using var context = await browser.NewContextAsync(new() { BypassCSP = true });
        // warm-up: five tabs opened, paused, resumed by a key and closed, so the heap before holds what the first
        // tabs of any run leave behind once (caches of the rules' regexes, EF Core's queries, the DI call sites)
        for (var w = 0; w < 5; w++)
        {
            var warm = await context.NewPageAsync();
            await OpenNetworkStepAsync(warm, app, $"pause-warm-{w}", "rack-pause");
            await PausedAsync(warm);
            await ResumeByKeyAsync(warm);
            await warm.CloseAsync();
        }
        var heapBefore = await InduceGcAsync(app.Pid);
        var tabs = new List<IPage>();
        for (var t = 0; t < o.SideTabs; t++)
        {
            var tab = await context.NewPageAsync();
            await OpenNetworkStepAsync(tab, app, $"pause-{t}", "rack-pause");
            tabs.Add(tab);
        }
        foreach (var tab in tabs) await PausedAsync(tab);
        await Task.Delay(2000); // the last pauses' disposal settles
        var heapPaused = await InduceGcAsync(app.Pid);
        if (o.HoldSeconds > 0)
        {
            Console.WriteLine($"   holding {o.HoldSeconds} s with the tabs paused: the app is pid {app.Pid}");
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(o.HoldSeconds, 600)));
        }
        var resumeMs = new List<double>();
        foreach (var tab in tabs) resumeMs.Add(await ResumeByKeyAsync(tab));
        foreach (var tab in tabs) await tab.CloseAsync();
        await Task.Delay(2000);
        var heapClosed = await InduceGcAsync(app.Pid);
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

    /// <summary>
    /// --only capacity (issue 16): the server alone on core 0, the browsers (and this process) on core 1, so the
    /// browsers' work no longer lands on the server's core. For each session count, a fresh app, the sessions opened on
    /// the Network step, then every session types 30 keys at about one a second (think 900–1100 ms) and waits for each
    /// key's message. Reported: keystroke p50/p95, timeouts, and the server's CPU over the typing as a share of its core.
    /// </summary>
    private static async Task<object> CapacityAsync(IBrowser browser, string publish, Options o)
    {
        if (Environment.ProcessorCount < 2) throw new InvalidOperationException("the capacity run needs two cores: one for the server, one for the browsers");
        Pin(Environment.ProcessId, 1);
        foreach (var chromium in Process.GetProcesses().Where(p => p.ProcessName.Contains("chrom", StringComparison.OrdinalIgnoreCase))) Pin(chromium.Id, 1);
        var rows = new List<object>();
        foreach (var sessions in o.CapacitySessions)
        {
            await using var app = await App.StartAsync(publish, o.Gc, o.AppEnv);
            Pin(app.Pid, 0);
            Console.WriteLine($"-- {sessions} sessions, server pid {app.Pid} on core 0");
            var run = await ConcurrentAsync(browser, app, o.WithSessions(sessions, 30, 900, 1100));
            rows.Add(new { sessions, run });
        }
        return rows;
    }

    /// <summary>Pins every thread of a process to one core (taskset -a -c -p: util-linux, on every Debian).</summary>
    private static void Pin(int pid, int core)
    {
        using var taskset = Process.Start(new ProcessStartInfo("taskset", ["-a", "-c", "-p", core.ToString(CultureInfo.InvariantCulture), pid.ToString(CultureInfo.InvariantCulture)])
        { RedirectStandardOutput = true, RedirectStandardError = true })!;
        taskset.WaitForExit(10_000);
        if (taskset.ExitCode != 0) throw new InvalidOperationException($"taskset could not pin {pid} to core {core}: {taskset.StandardError.ReadToEnd()}");
    }

    /// <param name="CpuMsPerKeyWithoutJit">the same, less the CPU of the runtime's tiered-compilation thread (the JIT
    /// promoting hot methods in the background: work a young process does once, not work a key brings)</param>
    /// <param name="SwitchesPerKey">the app's context switches (all threads, voluntary or not) per measured key</param>
    public sealed record SideRun(bool Floor, double CpuMsPerKey, double CpuMsPerKeyWithoutJit, double SwitchesPerKey, Stats Keys, double HeapKbPerCircuit);

    private static async Task<SideRun> SideRunAsync(IBrowser browser, App app, bool floor, Options o)
    {
        // the probes are evaluated scripts: the wizard's CSP (script-src 'self') would refuse them
        await using var context = await browser.NewContextAsync(new() { BypassCSP = true });
        var page = await context.NewPageAsync();
        if (floor) { await page.GotoAsync(app.Url.ToString()); await WaitInteractiveAsync(page); }
        else await OpenNetworkStepAsync(page, app, "side-keys", "rack-side");
        await page.EvaluateAsync(KeystrokeProbe);
        await page.Locator("#containers-cidr").ClickAsync();
        await page.Keyboard.PressAsync("End");
        var heapBeforeTyping = await InduceGcAsync(app.Pid);
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
                if (o.SidePerf) perf = await StartPerfAsync(app.Pid, floor);
                cpuBefore = CpuTicks(app.Pid);
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
        var cpuMs = (CpuTicks(app.Pid) - cpuBefore) * 1000.0 / ClockTicksPerSecond;
        var who = floor ? "floor" : "wizard";
        if (perf is not null) await StopPerfAsync(perf);
        var (byThread, switches) = await threads!.StopAsync();
        var jitMs = byThread.Where(t => t.Key.StartsWith(".NET Tiered Com", StringComparison.Ordinal)).Sum(t => t.Value) * 1000.0 / ClockTicksPerSecond;
        Console.WriteLine($"   {who}: {switches / (double)o.SideKeys:F1} context switches per key; CPU by thread over the measured keys (ms): " +
                          string.Join(", ", byThread.OrderByDescending(t => t.Value).Take(8).Select(t => $"{t.Key} {t.Value * 1000 / ClockTicksPerSecond:F0}")));
        if (allocations is not null) Console.WriteLine($"   {who}: {await allocations.StopAsync(o.SideKeys)}");
        var samples = await page.EvaluateAsync<Sample[]>("window.__perf.samples");
        var keys = Stats.Of(samples.Skip(warmSamples).Select(s => s.Ms).ToArray());
        if (lost > 0) Console.WriteLine($"   ({who}: {lost} keystroke(s) of {o.SideWarmup + o.SideKeys} showed no change within 10 s)");

        var heapBefore = await InduceGcAsync(app.Pid);
        Console.WriteLine($"   {who}: managed heap after {o.SideWarmup + o.SideKeys} keys in one tab {(heapBefore - heapBeforeTyping) / 1024.0:+0;-0} KB against before them");
        var tabs = new List<IPage>();
        for (var t = 0; t < o.SideTabs; t++)
        {
            var tab = await context.NewPageAsync();
            if (floor) { await tab.GotoAsync(app.Url.ToString()); await WaitInteractiveAsync(tab); }
            else await OpenNetworkStepAsync(tab, app, $"side-tab-{t}", "rack-side");
            tabs.Add(tab);
        }
        var heapAfter = await InduceGcAsync(app.Pid);
        return new SideRun(floor, cpuMs / o.SideKeys, (cpuMs - jitMs) / o.SideKeys, switches / (double)o.SideKeys, keys, o.SideTabs == 0 ? 0 : (heapAfter - heapBefore) / 1024.0 / o.SideTabs);
    }

    /// <summary>
    /// --side-perf: `perf record -F 999 -g` on the app over exactly the measured keys, into
    /// artifacts/perf/{floor,wizard}.perf.data (start the app with --app-env DOTNET_PerfMapEnabled=1 for managed names).
    /// </summary>
    private static async Task<Process> StartPerfAsync(int pid, bool floor)
    {
        var output = Path.Combine(Repository.Root, "artifacts", "perf", floor ? "floor.perf.data" : "wizard.perf.data");
        var perf = Process.Start(new ProcessStartInfo("perf", ["record", "-F", "999", "-g", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", output])
        { RedirectStandardOutput = true, RedirectStandardError = true })!;
        await Task.Delay(1000); // perf attached
        return perf;
    }

    private static async Task StopPerfAsync(Process perf)
    {
        using var kill = Process.Start("kill", ["-INT", perf.Id.ToString(CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        await perf.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Linux's USER_HZ: /proc/PID/stat counts CPU time in these ticks.</summary>
    public const double ClockTicksPerSecond = 100;

    private static long CpuTicks(int pid) => StatTicks(File.ReadAllText($"/proc/{pid}/stat"));

    /// <summary>utime + stime of a process's or thread's stat line (fields 14 and 15, after the parenthesised name).</summary>
    public static long StatTicks(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static void Publish(string root, string output, string project = "src/Calico.Wizard")
    {
        Console.WriteLine($"dotnet publish {project} -c Release -o {Path.GetRelativePath(root, output)}");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = root };
        foreach (var a in new[] { "publish", project, "-c", "Release", "-o", output, "-nologo", "-v", "q", "-clp:ErrorsOnly" }) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("dotnet publish failed");
    }

    private static object Machine() => new
    {
        nproc = Environment.ProcessorCount,
        cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim(),
        memTotal = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal)),
        runtime = Environment.Version.ToString(),
    };

    private static string ShortUrl(string url, Uri app) => url.StartsWith(app.ToString(), StringComparison.Ordinal) ? "/" + url[app.ToString().Length..].Split('?')[0] : url;

    private static string Kb(long bytes) => $"{bytes / 1024.0:F1} KB";

    private static string Mb(long bytes) => $"{bytes / 1048576.0:F1} MB";
}

/// <summary>
/// The app's own view while the sessions type: Blazor's aspnetcore.components.handle_event.duration histogram (the
/// time from an event reaching the circuit until its handler's task completes — for an input: every rule and the
/// draft's save), read over EventPipe from the System.Diagnostics.Metrics source in 1 s windows. Window quantiles
/// cannot be merged exactly: reported are the count-weighted mean and the worst window's p95.
/// </summary>
public sealed class ServerMetrics : IAsyncDisposable
{
    private readonly EventPipeSession session;
    private readonly Task processing;
    private readonly List<(string Tags, long Count, double P50, double P95, double P99)> windows = [];

    private ServerMetrics(int pid)
    {
        session = new DiagnosticsClient(pid).StartEventPipeSession([HandleEventWindow.Provider()], requestRundown: false);
        processing = Task.Run(() =>
        {
            using var source = new EventPipeEventSource(session.EventStream);
            source.Dynamic.All += e =>
            {
                if (HandleEventWindow.Read(e) is not { Count: > 0 } w) return;
                lock (windows) windows.Add((w.Tags, w.Count, w.QuantileMs("0.5"), w.QuantileMs("0.95"), w.QuantileMs("0.99")));
            };
            source.Process();
        });
    }

    public static ServerMetrics Start(int pid) => new(pid);

    public sealed record Series(string Tags, long Events, double WeightedP50, double WeightedP95, double WorstWindowP95);

    public async Task<(IReadOnlyList<string> Lines, IReadOnlyList<Series> Series)> StopAsync()
    {
        await Task.Delay(1500); // the last window
        await session.StopAsync(CancellationToken.None);
        await Task.WhenAny(processing, Task.Delay(TimeSpan.FromSeconds(5)));
        List<Series> series;
        lock (windows)
            series = windows.GroupBy(w => w.Tags).Select(g =>
            {
                var n = g.Sum(w => w.Count);
                return new Series(g.Key, n, g.Sum(w => w.P50 * w.Count) / n, g.Sum(w => w.P95 * w.Count) / n, g.Max(w => w.P95));
            }).OrderByDescending(x => x.Events).Take(4).ToList();
        var lines = series.Select(x => string.Create(CultureInfo.InvariantCulture,
            $"server handle_event [{x.Tags}]: {x.Events} events, p50 {x.WeightedP50:F2} ms, p95 {x.WeightedP95:F2} ms (worst 1 s window {x.WorstWindowP95:F2} ms)")).ToList();
        if (lines.Count == 0) lines.Add("server handle_event: no Blazor metrics received");
        return (lines, series);
    }

    public ValueTask DisposeAsync()
    {
        session.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// One window (1 s) of Blazor's aspnetcore.components.handle_event.duration histogram as the System.Diagnostics.Metrics
/// EventSource publishes it over EventPipe: the time from an event reaching the circuit until its handler's task completed.
/// </summary>
public sealed record HandleEventWindow(string Tags, long Count, double SumSeconds, IReadOnlyDictionary<string, double> QuantileSeconds)
{
    /// <summary>The Components meter's histograms in 1 s windows.</summary>
    public static EventPipeProvider Provider() => new("System.Diagnostics.Metrics", EventLevel.Informational, 0x2, new Dictionary<string, string>
    {
        ["SessionId"] = Guid.NewGuid().ToString(),
        ["Metrics"] = "Microsoft.AspNetCore.Components",
        ["RefreshInterval"] = "1",
        ["MaxTimeSeries"] = "5000",
        ["MaxHistograms"] = "1000",
    });

    /// <summary>The window an event carries, or null for any other event or instrument.</summary>
    public static HandleEventWindow? Read(TraceEvent e)
    {
        if (e.EventName != "HistogramValuePublished" || (string)e.PayloadByName("instrumentName") != "aspnetcore.components.handle_event.duration") return null;
        var quantiles = ((string)e.PayloadByName("quantiles")).Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => double.Parse(kv[1], CultureInfo.InvariantCulture));
        var sum = e.PayloadNames.Contains("sum") ? Convert.ToDouble(e.PayloadByName("sum"), CultureInfo.InvariantCulture) : double.NaN;
        return new HandleEventWindow((string)e.PayloadByName("tags"), Convert.ToInt64(e.PayloadByName("count"), CultureInfo.InvariantCulture), sum, quantiles);
    }

    /// <summary>The browser event (oninput, onkeydown, …): the tag aspnetcore.components.attribute.name.</summary>
    public string EventName => Tags.Split(',').FirstOrDefault(t => t.StartsWith("aspnetcore.components.attribute.name=", StringComparison.Ordinal))?.Split('=')[1] ?? "?";

    public double QuantileMs(string quantile) => QuantileSeconds.GetValueOrDefault(quantile) * 1000;
}

public sealed record Stats(int N, double P50, double P95, double P99, double Max, double Mean)
{
    public static Stats Of(IReadOnlyCollection<double> ms)
    {
        var sorted = ms.Order().ToArray();
        if (sorted.Length == 0) return new Stats(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        double P(double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)]; // nearest rank
        return new Stats(sorted.Length, P(0.50), P(0.95), P(0.99), sorted[^1], sorted.Average());
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"n={N}: p50 {P50:F1} ms, p95 {P95:F1} ms, p99 {P99:F1} ms, max {Max:F1} ms, mean {Mean:F1} ms");
}

/// <summary>The published app (Release, Production) on a free loopback port with its own SQLite file, started by the tests' launcher.</summary>
public sealed class App(WizardApp app) : IAsyncDisposable
{
    public Uri Url => app.BaseUrl;
    public int Pid => app.Pid;
    /// <summary>The managed heap after the last induced full GC.</summary>
    public long LastHeap { get; set; }

    public static async Task<App> StartAsync(string publish, string gc, IReadOnlyDictionary<string, string> env, string dll = "Calico.Wizard.dll")
    {
        // the capacity and memory phases open hundreds of tabs from one address: the per-client circuit cap is not what they measure
        var variables = new Dictionary<string, string> { ["Wizard__MaxCircuitsPerClient"] = "0" };
        if (gc == "workstation") variables["DOTNET_gcServer"] = "0";
        foreach (var (k, v) in env) variables[k] = v;
        // the published appsettings.json and wwwroot/ are the content and web roots
        return new App(await WizardApp.LaunchAsync(new AppLaunch
        {
            Dll = Path.Combine(publish, dll), WorkingDirectory = publish, Environment = "Production", Variables = variables,
        }));
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}

public sealed class Options
{
    public HashSet<string> Only { get; private set; } = [];
    public bool NoPublish { get; private set; }
    public int Keystrokes { get; private set; } = 200;
    public int Warmup { get; private set; } = 20;
    public int KeyPauseMs { get; private set; } = 100;
    public int Tabs { get; private set; } = 100;
    public int Sessions { get; private set; } = 200;
    public int PerSession { get; private set; } = 20;
    public int ThinkMin { get; private set; } = 250;
    public int ThinkMax { get; private set; } = 750;
    public string Gc { get; private set; } = "server";
    public string? Out { get; private set; }
    public int HoldSeconds { get; private set; }
    /// <summary>The step the memory phase's tabs stay on: cluster (the first page) or network (the side-by-side's).</summary>
    public string MemoryStep { get; private set; } = "cluster";
    public int SideKeys { get; private set; } = 390;
    public int SideTabs { get; private set; } = 30;
    public int SideRuns { get; private set; } = 2;
    /// <summary>
    /// Keys typed before the side-by-side measures: a fresh process spends its first few hundred keys in the JIT
    /// (tiered compilation promoting the hot paths; perf showed libclrjit at ~50 % of the samples after 20 keys).
    /// </summary>
    public int SideWarmup { get; private set; } = 600;
    /// <summary>Record the bytes allocated and the GCs per measured key in the side-by-side runs.</summary>
    public bool SideAllocs { get; private set; }
    /// <summary>perf record the app over the measured keys of each side-by-side run.</summary>
    public bool SidePerf { get; private set; }
    public int[] CapacitySessions { get; private set; } = [20, 40, 60];
    public Dictionary<string, string> AppEnv { get; } = [];

    /// <summary>These options with another session count, keystrokes per session and think time (the capacity run).</summary>
    public Options WithSessions(int sessions, int perSession, int thinkMin, int thinkMax)
    {
        var o = (Options)MemberwiseClone();
        (o.Sessions, o.PerSession, o.ThinkMin, o.ThinkMax) = (sessions, perSession, thinkMin, thinkMax);
        return o;
    }

    public bool Runs(string phase) => Only.Count == 0 || Only.Contains(phase);

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--only": o.Only = [.. Next().Split(',')]; break;
                case "--side-keys": o.SideKeys = Int(); break;
                case "--side-tabs": o.SideTabs = Int(); break;
                case "--side-runs": o.SideRuns = Int(); break;
                case "--side-warmup": o.SideWarmup = Int(); break;
                case "--side-allocs": o.SideAllocs = true; break;
                case "--side-perf": o.SidePerf = true; break;
                case "--capacity-sessions": o.CapacitySessions = [.. Next().Split(',').Select(n => Math.Clamp(int.Parse(n, CultureInfo.InvariantCulture), 1, 500))]; break;
                case "--no-publish": o.NoPublish = true; break;
                case "--keystrokes": o.Keystrokes = Int(); break;
                case "--warmup": o.Warmup = Int(); break;
                case "--key-pause": o.KeyPauseMs = Int(); break;
                case "--tabs": o.Tabs = Int(); break;
                case "--sessions": o.Sessions = Int(); break;
                case "--per-session": o.PerSession = Int(); break;
                case "--think":
                    var t = Next().Split('-');
                    (o.ThinkMin, o.ThinkMax) = (int.Parse(t[0], CultureInfo.InvariantCulture), int.Parse(t[1], CultureInfo.InvariantCulture));
                    break;
                case "--gc": o.Gc = Next() is "workstation" ? "workstation" : "server"; break;
                case "--out": o.Out = Next(); break;
                case "--hold": o.HoldSeconds = Int(); break;
                case "--memory-step": o.MemoryStep = Next() is "network" ? "network" : "cluster"; break;
                case "--app-env":
                    var kv = Next().Split('=', 2);
                    o.AppEnv[kv[0]] = kv[1];
                    break;
                default: throw new ArgumentException($"unknown option {args[i]} (see the comment at the top of Program.cs)");
            }
        }
        if (o.SideWarmup % 2 != 0) throw new ArgumentException("--side-warmup must be even (each pair shows then hides the message)");
        if (o.Keystrokes % 2 != 0 || o.Warmup % 2 != 0) throw new ArgumentException("--keystrokes and --warmup must be even (each pair shows then hides the message)");
        o.Keystrokes = Math.Clamp(o.Keystrokes, 2, 10_000);
        o.Tabs = Math.Clamp(o.Tabs, 1, 500);
        o.Sessions = Math.Clamp(o.Sessions, 1, 500);
        o.PerSession = Math.Clamp(o.PerSession, 1, 1_000);
        return o;
    }
}

/// <summary>
/// What the app allocates while keys are typed (--side-allocs): the runtime's GCAllocationTick events (one each time
/// ~100 KB more has been allocated on a heap, naming the type whose allocation crossed the mark, so the types are a
/// sample weighted by bytes) and its GCs by generation, over an EventPipe session with the GC keyword at Verbose; and
/// in the same session Blazor's aspnetcore.components.handle_event.duration (the time from an event reaching the
/// circuit until its handler's task completed), summed per event name.
/// </summary>
public sealed class AllocationRecorder
{
    private readonly EventPipeSession session;
    private readonly Task processing;
    private readonly Dictionary<string, long> byType = [];
    private readonly Dictionary<string, double> handlerSeconds = [];
    private readonly int[] gcs = new int[3];
    private long bytes;

    private AllocationRecorder(int pid)
    {
        const long GC = 0x1;
        session = new DiagnosticsClient(pid).StartEventPipeSession(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, GC), HandleEventWindow.Provider()], requestRundown: false);
        processing = Task.Run(() =>
        {
            using var source = new EventPipeEventSource(session.EventStream);
            source.Dynamic.All += e =>
            {
                if (HandleEventWindow.Read(e) is not { } w) return;
                lock (byType) handlerSeconds[w.EventName] = handlerSeconds.GetValueOrDefault(w.EventName) + w.SumSeconds;
            };
            source.Clr.GCAllocationTick += e =>
            {
                lock (byType)
                {
                    bytes += e.AllocationAmount64;
                    byType[e.TypeName] = byType.GetValueOrDefault(e.TypeName) + e.AllocationAmount64;
                }
            };
            source.Clr.GCStart += e => { lock (byType) gcs[Math.Clamp(e.Depth, 0, 2)]++; };
            source.Process();
        });
    }

    public static async Task<AllocationRecorder> StartAsync(int pid)
    {
        var recorder = new AllocationRecorder(pid);
        await Task.Delay(500); // the session is up before the first measured key
        return recorder;
    }

    public async Task<string> StopAsync(int keys)
    {
        await Task.Delay(1500); // the metrics' last window
        await session.StopAsync(CancellationToken.None);
        await Task.WhenAny(processing, Task.Delay(TimeSpan.FromSeconds(10)));
        lock (byType)
        {
            var top = byType.OrderByDescending(t => t.Value).Take(12)
                .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key} {t.Value / 1024.0 / keys:F1}"));
            return string.Create(CultureInfo.InvariantCulture,
                $"allocated {bytes / 1024.0 / keys:F1} KB/key; GCs gen0/1/2 {gcs[0]}/{gcs[1]}/{gcs[2]} over {keys} keys; " +
                $"event handlers (Blazor's handle_event.duration, ms/key): {string.Join(", ", handlerSeconds.OrderBy(h => h.Key).Select(h => $"{h.Key} {h.Value * 1000 / keys:F3}"))}; " +
                $"sampled types (KB/key): {string.Join("; ", top)}");
        }
    }
}

/// <summary>
/// CPU time per thread of a process over an interval: every thread's utime + stime (/proc/PID/task/TID/stat) sampled
/// every 50 ms, so a thread that ends inside the interval still counts up to its last sample (the tiered-compilation
/// worker exits when idle and is started again). Keyed by the thread's name (comm, 15 characters).
/// </summary>
public sealed class ThreadCpu
{
    private readonly Dictionary<int, (string Name, long FirstTicks, long LastTicks, long FirstSwitches, long LastSwitches)> threads = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task sampling;

    private ThreadCpu(int pid)
    {
        Sample(pid, first: true);
        sampling = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try { await Task.Delay(50, stop.Token); } catch (OperationCanceledException) { }
                Sample(pid, first: false);
            }
        });
    }

    public static ThreadCpu Start(int pid) => new(pid);

    /// <returns>CPU ticks per thread name, and the context switches (voluntary and not) of all threads.</returns>
    public async Task<(IReadOnlyDictionary<string, long> Ticks, long Switches)> StopAsync()
    {
        await stop.CancelAsync();
        await sampling;
        return (threads.Values.GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.Sum(t => t.LastTicks - t.FirstTicks)),
            threads.Values.Sum(t => t.LastSwitches - t.FirstSwitches));
    }

    private void Sample(int pid, bool first)
    {
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            string stat, status;
            try { (stat, status) = (File.ReadAllText(Path.Combine(task, "stat")), File.ReadAllText(Path.Combine(task, "status"))); }
            catch (IOException) { continue; } // ended meanwhile
            var tid = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
            var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
            var ticks = Program.StatTicks(stat);
            var switches = status.Split('\n').Where(l => l.Contains("ctxt_switches:", StringComparison.Ordinal))
                .Sum(l => long.Parse(l.Split(':')[1].Trim(), CultureInfo.InvariantCulture));
            threads[tid] = threads.TryGetValue(tid, out var known)
                ? known with { LastTicks = ticks, LastSwitches = switches }
                : (name, first ? ticks : 0, ticks, first ? switches : 0, switches);
        }
    }
}
