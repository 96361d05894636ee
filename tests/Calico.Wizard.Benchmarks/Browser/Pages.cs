using Microsoft.Playwright;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>How a tab reaches the page a phase measures, interactive: the wizard's Network step, or one of the floor's pages.</summary>
public static class Pages
{
    /// <summary>A new draft prefilled through the query (name, network), then Next: the Network step, interactive.</summary>
    public static async Task OpenNetworkStepAsync(IPage page, App app, string name, string network)
    {
        await page.GotoAsync(new Uri(app.Url, $"?name={name}&l2Network={network}").ToString());
        await WaitInteractiveAsync(page);
        await page.GetByTestId("next").ClickAsync();
        await page.GetByTestId("step-network").WaitForAsync(new() { Timeout = 30_000 });
        await page.Locator("#containers-cidr").WaitForAsync();
    }

    /// <summary>The floor's one-field page (/), interactive.</summary>
    public static async Task OpenFloorAsync(IPage page, App app)
    {
        await page.GotoAsync(app.Url.ToString());
        await WaitInteractiveAsync(page);
    }

    /// <summary>
    /// The floor's Network-step page (/network-floor: the step's MudBlazor controls bound to plain fields), interactive,
    /// with the same Containers CIDR input as the wizard's step.
    /// </summary>
    public static async Task OpenNetworkFloorAsync(IPage page, App app)
    {
        await page.GotoAsync(new Uri(app.Url, "network-floor").ToString());
        await WaitInteractiveAsync(page);
        await page.GetByTestId("step-network").WaitForAsync(new() { Timeout = 30_000 });
        await page.Locator("#containers-cidr").WaitForAsync();
    }

    public static Task WaitInteractiveAsync(IPage page) =>
        page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 60_000 });
}
