using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Calico.Wizard.E2E;

/// <summary>An idle tab's circuit is paused (the server frees it) and the first key resumes it with nothing lost.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PauseTests(BrowserFixture fixture)
{
    [Fact]
    public async Task An_idle_tab_pauses_and_the_first_key_resumes_it_with_the_draft_step_and_typing_intact()
    {
        await using var app = await WizardApp.StartAsync(null, "--Wizard:PauseAfter=00:00:10",
            "--Logging:LogLevel:Microsoft.AspNetCore.Components.Server.Circuits.CircuitRegistry=Debug");
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var wizard = new WizardDriver(page, app.BaseUrl);
        await wizard.OpenNewAsync();
        await wizard.FillClusterStepAsync(WizardDriver.UniqueName("pause"), "rack-pause");
        await wizard.NextAsync("network");
        await wizard.Field("mtu").FillAsync("1366");

        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-circuit", "paused", new() { Timeout = 60_000 }); // 10 s untouched (short enough to wait for, long enough that a loaded machine's form filling never pauses mid-way)
        Assert.Contains("Pausing circuit with id", app.Output); // the server let the circuit go

        await page.GetByTestId("mtu").PressAsync("End");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-circuit", "active");
        await Expect(page.GetByTestId("step-network")).ToBeVisibleAsync();
        await Expect(wizard.Field("mtu")).ToHaveValueAsync("1366");
        await wizard.FillAsync("mtu", "1000000");
        await Expect(wizard.Error("mtu")).ToContainTextAsync("out of range"); // a live circuit again: the rules answer
    }
}
