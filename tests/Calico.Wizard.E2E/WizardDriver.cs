using Calico.Wizard.Headless;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Calico.Wizard.E2E;

/// <summary>Drives the wizard through its data-testid contract (docs/automation.md), as a headless script would.</summary>
/// <param name="app">The app behind <paramref name="baseUrl"/>, when the test has it: a failed step then quotes what
/// the server logged (warnings and errors) since this driver was made.</param>
public sealed class WizardDriver
{
    private readonly IPage page;
    private readonly Uri baseUrl;
    private readonly WizardApp? app;
    private readonly int logStart;
    private readonly List<string> console = [];

    public WizardDriver(IPage page, Uri baseUrl, WizardApp? app = null)
    {
        (this.page, this.baseUrl, this.app) = (page, baseUrl, app);
        logStart = app?.Output.Length ?? 0;
        page.Console += (_, m) => { if (m.Type is "error" or "warning") Remember($"console {m.Type}: {m.Text}"); };
        page.PageError += (_, e) => Remember($"page error: {e}");
    }

    private void Remember(string line)
    {
        lock (console) { if (console.Count < 20) console.Add(line); }
    }

    public IPage Page => page;

    /// <summary>
    /// Milliseconds between keys where a test types key by key: a fast typist's pace. At Playwright's default (no pause,
    /// ~100 keys a second) a busy circuit fell 250 ms behind the keys and drew values the browser had already typed past,
    /// losing characters (1-2 runs in 80 of the keyboard test with one core busy; none at this pace in 80). A bare Blazor
    /// page does the same (dotnet/aspnetcore#65994). See docs/automation.md, "Typing key by key".
    /// </summary>
    public const float KeyDelay = 80;

    public ILocator Field(string testId) => page.GetByTestId(testId);

    public ILocator Error(string testId) => page.GetByTestId($"{testId}-error");

    public async Task OpenNewAsync()
    {
        await page.GotoAsync(baseUrl.ToString());
        await WaitInteractiveAsync();
    }

    public async Task WaitInteractiveAsync()
    {
        await Expect(page.Locator(BrowserContract.Interactive)).ToBeVisibleAsync();
    }

    /// <summary>Runs <paramref name="change"/> and waits until the server has saved the draft after it ("Draft saved").</summary>
    public async Task SavedAfterAsync(Func<Task> change)
    {
        var status = page.GetByTestId("draft-status");
        var before = int.Parse(await status.GetAttributeAsync("data-saved-version") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await change();
        await page.WaitForFunctionAsync(
            "v => Number(document.querySelector(\"[data-testid='draft-status']\")?.dataset.savedVersion) > v", before);
    }

    public async Task FillAsync(string testId, string value)
    {
        await Field(testId).FillAsync(value);
        await Expect(Field(testId)).ToHaveValueAsync(value);
    }

    public async Task FillClusterStepAsync(string name, string network, string provider = "bareos", string nodes = "3")
    {
        await Field($"provider-{provider}").ClickAsync();
        await FillAsync("cluster-name", name);
        await FillAsync("l2-network", network);
        await FillAsync("planned-nodes", nodes);
    }

    public async Task NextAsync(string expectStep)
    {
        await Field("next").ClickAsync();
        try { await Expect(page.GetByTestId($"step-{expectStep}")).ToBeVisibleAsync(); }
        catch (PlaywrightException e) { throw new PlaywrightException($"Next did not open the {expectStep} step. {await DescribeAsync()}", e); }
    }

    /// <summary>
    /// What the page and the server showed, on one line, for a failed step's message (the CI log names a failure by
    /// its message's first line): the step, the circuit, a refusal, every field message, the console, the server log.
    /// </summary>
    public async Task<string> DescribeAsync()
    {
        string shown;
        try
        {
            shown = await page.EvaluateAsync<string>("""
                () => {
                  const q = s => document.querySelector(s);
                  const text = e => e?.textContent?.replace(/\s+/g, ' ').trim();
                  const modal = q('#components-reconnect-modal');
                  return JSON.stringify({
                    path: location.pathname,
                    step: q('[data-step]')?.dataset.step,
                    interactive: q('[data-interactive]')?.dataset.interactive,
                    circuit: document.documentElement.dataset.circuit,
                    reconnect: modal ? `${modal.className} open=${modal.open ?? ''}` : null,
                    blocked: text(q("[data-testid='next-blocked']")),
                    errors: [...document.querySelectorAll("[data-testid$='-error']")].map(e => `${e.dataset.testid}: ${text(e)}`),
                  });
                }
                """);
        }
        catch (PlaywrightException e) { shown = $"(the page could not be read: {e.Message.Split('\n')[0]})"; }
        string[] seen;
        lock (console) seen = [.. console];
        var log = app is null ? "" : app.Output[Math.Min(logStart, app.Output.Length)..];
        var logged = log.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("info:", StringComparison.Ordinal)).TakeLast(12);
        return $"Page: {shown} Console: [{string.Join(" | ", seen)}] Server: [{string.Join(" | ", logged)}]";
    }

    /// <summary>Creates a cluster with PMK's defaults (plus changes) and waits for the dry run to finish.</summary>
    public async Task<string> CreateClusterAsync(string name, string network, Func<WizardDriver, Task>? network_step = null, string provider = "bareos")
    {
        await OpenNewAsync();
        await FillClusterStepAsync(name, network, provider);
        await NextAsync("network");
        if (network_step is not null) await network_step(this);
        await NextAsync("policies");
        await NextAsync("review");
        await Field("submit").ClickAsync();
        await Expect(page.GetByTestId("job-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = Waits.JobFinished });
        return page.Url;
    }

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 9, 63)];
}
