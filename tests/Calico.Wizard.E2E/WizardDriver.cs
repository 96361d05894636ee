using Calico.Wizard.Headless;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Calico.Wizard.E2E;

/// <summary>Drives the wizard through its data-testid contract (docs/automation.md), as a headless script would.</summary>
public sealed class WizardDriver(IPage page, Uri baseUrl)
{
    public IPage Page => page;

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
        await Expect(page.GetByTestId($"step-{expectStep}")).ToBeVisibleAsync();
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
