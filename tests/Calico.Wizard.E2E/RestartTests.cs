using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Calico.Wizard.E2E;

/// <summary>Its own app process: these tests kill it and start it again on the same database.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RestartTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Server_restart_mid_wizard_resumes_the_draft()
    {
        await using var app = await WizardApp.StartAsync();
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var wizard = new WizardDriver(page, app.BaseUrl, app);
        await wizard.OpenNewAsync();
        await wizard.FillClusterStepAsync("restart-01", "rack-restart");
        await wizard.NextAsync("network");
        await wizard.SavedAfterAsync(() => wizard.FillAsync("mtu", "1400")); // what "Draft saved" promises an operator
        var path = new Uri(page.Url).PathAndQuery;

        await app.KillAsync();
        await app.StartAsync(); // same database, new port

        await page.GotoAsync(new Uri(app.BaseUrl, path).ToString());
        await wizard.WaitInteractiveAsync();
        await Expect(page.GetByTestId("step-network")).ToBeVisibleAsync();
        await Expect(wizard.Field("mtu")).ToHaveValueAsync("1400");
        await wizard.NextAsync("policies");
        await wizard.NextAsync("review");
        await wizard.Field("submit").ClickAsync();
        await Expect(page.GetByTestId("job-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = Waits.JobFinished });
    }
}
