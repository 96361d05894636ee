using System.Globalization;
using System.Text.Json;
using Calico.Wizard.Headless;
using Calico.Wizard.Testing;
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
///                           amplification draft, the manifests GET at the caps, whether the poison draft's job ends
///                           (Phases/ApiCosts.cs)
///   --only sidebyside       the wizard against the floor app (Floor/), each published Release, two runs each,
///                           alternating; --side-keys N [390], --side-tabs N [30], --side-runs N [2],
///                           --side-warmup N [600] (keys typed first, until the JIT's tiering has settled).
///                           Server CPU per keystroke and keystroke p50/p95: the wizard's Network step against the
///                           floor's one-field page (/). Managed heap per idle circuit: the wizard's Network step
///                           against the floor's /network-floor (the step's MudBlazor controls bound to plain
///                           fields), and against the one-field page as before. The CPU per key is also given
///                           without the runtime's tiered-compilation thread (/proc/PID/task: one-time JIT work of a
///                           young process). Diagnostics over the measured keys: --side-allocs (bytes allocated, GCs
///                           and the app's own time in each event handler per key, over EventPipe),
///                           --side-perf (perf record into artifacts/perf/{floor,wizard}.perf.data)
///
/// Layout: this file runs the chosen phases; Phases/ holds one file per phase (Phases/SideBySide.cs and SideRun.cs
/// for the side-by-side), Metrics/ one per measurement (process and thread CPU, latency percentiles, the managed heap
/// after an induced GC, RSS, allocations, Blazor's handler metrics, perf, report formatting), Hosting/ the publish
/// and the app's start, Pages.cs how a tab reaches a page.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var o = Options.Parse(args);
        var root = Repository.Root;
        var publish = Path.Combine(root, "artifacts", "perf", "publish");
        if (!o.NoPublish) Publisher.Publish(root, publish);
        var chromium = BrowserContract.ChromiumPath;
        if (!File.Exists(chromium))
        {
            Console.Error.WriteLine($"Chromium not found at {chromium} (apt-get install chromium, or set CHROMIUM_PATH)");
            return 1;
        }

        var results = new Dictionary<string, object>
        {
            ["date"] = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture),
            ["machine"] = Report.Machine(),
            ["gc"] = o.Gc,
            ["appEnv"] = o.AppEnv,
            ["app"] = "published Release (dotnet publish -c Release), ASPNETCORE_ENVIRONMENT=Production",
        };
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium, Args = BrowserContract.ChromiumArgs, Headless = true,
        });
        results["browser"] = browser.Version;
        Console.WriteLine($"Chromium {browser.Version}; app GC: {o.Gc}");

        if (o.Runs("firstload")) results["firstLoad"] = await Phase(publish, o, app => FirstLoad.RunAsync(browser, app));
        if (o.Runs("keystroke")) results["keystroke"] = await Phase(publish, o, app => Keystroke.RunAsync(browser, app, o));
        if (o.Only.Contains("keytrace")) results["keytrace"] = await Phase(publish, o, app => KeyTrace.RunAsync(browser, app));
        if (o.Runs("memory")) results["memory"] = await Phase(publish, o, app => Memory.RunAsync(browser, app, o));
        if (o.Runs("concurrent")) results["concurrent"] = await Phase(publish, o, app => Concurrent.RunAsync(browser, app, o));
        if (o.Only.Contains("sidebyside")) results["sideBySide"] = await SideBySide.RunAsync(browser, root, publish, o);
        if (o.Only.Contains("pause")) results["pause"] = await Pause.RunAsync(browser, publish, o);
        if (o.Only.Contains("capacity")) results["capacity"] = await Capacity.RunAsync(browser, publish, o);
        if (o.Only.Contains("apicosts")) results["apiCosts"] = await Phase(publish, o, ApiCosts.RunAsync);
        if (o.Only.Contains("profile")) results["profile"] = await Phase(publish, o, app => Profile.RunAsync(browser, app, o));

        var outFile = o.Out ?? Path.Combine(root, "artifacts", "perf", "browser-results.json");
        Directory.CreateDirectory(Path.GetDirectoryName(outFile)!);
        await File.WriteAllTextAsync(outFile, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"results: {outFile}");
        return 0;
    }

    /// <summary>One phase against a freshly started wizard, stopped after it; no phase runs longer than 15 minutes.</summary>
    private static async Task<object> Phase(string publish, Options o, Func<App, Task<object>> run)
    {
        await using var app = await App.StartAsync(publish, o.Gc, o.AppEnv);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var task = run(app);
        if (await Task.WhenAny(task, Task.Delay(Timeout.Infinite, deadline.Token)) != task)
            throw new TimeoutException("a phase ran longer than 15 minutes");
        return await task;
    }
}
