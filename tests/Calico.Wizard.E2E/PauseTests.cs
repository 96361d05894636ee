using Calico.Wizard.Headless;
using Xunit.Abstractions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Calico.Wizard.E2E;

/// <summary>
/// An idle tab's circuit is paused (the server frees it, the page shows nothing) and the operator's next key resumes
/// it: the draft, the step and the typing are intact, and the key typed while paused reaches the rules.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PauseTests(BrowserFixture fixture, ITestOutputHelper output)
{
    // 10 s untouched: short enough to wait for, long enough that a loaded machine filling the form never pauses mid-way
    private static readonly string[] Args = ["--Wizard:PauseAfter=00:00:10",
        "--Logging:LogLevel:Microsoft.AspNetCore.Components.Server.Circuits.CircuitRegistry=Debug"];

    [Fact]
    public async Task An_idle_tab_pauses_and_the_first_key_resumes_it_with_the_draft_step_and_typing_intact()
    {
        await using var app = await WizardApp.StartAsync(null, Args);
        // a short window, so the page scrolls: where it was scrolled to is part of what must come back
        await using var context = await fixture.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 520 } });
        var page = await context.NewPageAsync();
        page.Console += (_, m) => output.WriteLine($"[console] {m.Text}");
        var wizard = new WizardDriver(page, app.BaseUrl, app);
        await wizard.OpenNewAsync();
        await wizard.FillClusterStepAsync(WizardDriver.UniqueName("pause"), "rack-pause");
        await wizard.NextAsync("network");
        await wizard.Field("mtu").FillAsync("1366");
        var scrolled = await page.EvaluateAsync<int>("() => Math.round(window.scrollY)");
        Assert.True(scrolled > 0, "the MTU field should be below the fold in a 520 px window");

        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-circuit", "paused", new() { Timeout = 90_000 });
        Assert.Contains("Pausing circuit with id", app.Output); // the server let the circuit go
        await Expect(page.Locator("#components-reconnect-modal")).Not.ToBeVisibleAsync(); // the page looks as it was
        await Expect(page.GetByTestId("step-network")).ToBeVisibleAsync();

        // the key that wakes the tab is kept: 13669 is out of range, and only a live circuit with the value says so
        await wizard.Field("mtu").PressAsync("End");
        await wizard.Field("mtu").PressAsync("9");
        await Expect(wizard.Error("mtu")).ToContainTextAsync("out of range", new() { Timeout = 30_000 });
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-circuit", "active");
        await Expect(wizard.Field("mtu")).ToHaveValueAsync("13669");
        await Expect(page.GetByTestId("step-network")).ToBeVisibleAsync();
        Assert.Equal(scrolled, await page.EvaluateAsync<int>("() => Math.round(window.scrollY)"));
        await Expect(wizard.Field("mtu")).ToBeFocusedAsync(); // the new page's field has the focus back

        await wizard.FillAsync("mtu", "1400"); // and it goes on answering
        await Expect(wizard.Error("mtu")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task An_embedded_wizard_pauses_and_resumes_in_its_frame_and_the_portal_hears_ready_only_once()
    {
        await using var portal = await PortalHost.StartAsync();
        await using var app = await WizardApp.StartAsync(null, [.. Args, $"--Embedding:AllowedOrigins:0={portal.OriginText}"]);
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.Console += (_, m) => output.WriteLine($"[console] {m.Text}");
        await page.GotoAsync(portal.PortalUrl(app.BaseUrl, $"/embed?origin={Uri.EscapeDataString(portal.OriginText)}"));
        var frame = page.FrameLocator("#wizard");
        await Expect(frame.Locator(BrowserContract.Interactive)).ToBeVisibleAsync();
        await frame.GetByTestId("cluster-name").FillAsync(WizardDriver.UniqueName("framed"));
        await frame.GetByTestId("l2-network").FillAsync("rack-framed");
        await frame.GetByTestId("next").ClickAsync();
        await Expect(frame.GetByTestId("step-network")).ToBeVisibleAsync();
        await frame.GetByTestId("mtu").FillAsync("1366");

        await Expect(frame.Locator("html")).ToHaveAttributeAsync("data-circuit", "paused", new() { Timeout = 90_000 });
        await Expect(frame.Locator("#components-reconnect-modal")).Not.ToBeVisibleAsync();
        await frame.GetByTestId("mtu").PressAsync("End");
        await frame.GetByTestId("mtu").PressAsync("9");
        await Expect(frame.GetByTestId("mtu-error")).ToContainTextAsync("out of range", new() { Timeout = 30_000 });
        await Expect(frame.GetByTestId("mtu")).ToHaveValueAsync("13669");
        await Expect(frame.GetByTestId("step-network")).ToBeVisibleAsync();

        // the portal is told by the resumed circuit (the Network step is now invalid), and hears "ready" once
        await page.WaitForFunctionAsync("() => window.events.some(e => e.type === 'validity' && e.step === 'Network' && !e.valid)");
        var types = await page.EvaluateAsync<string[]>("() => window.events.map(e => e.type)");
        Assert.Equal("ready", types[0]);
        Assert.Single(types, t => t == "ready");
    }

    [Fact]
    public async Task A_cluster_page_whose_job_runs_stays_live_while_untouched_and_pauses_once_the_job_is_done()
    {
        // each of the dry run's 4 steps takes 5 s, so the job outlasts the 8 s pause window after the submit click
        await using var app = await WizardApp.StartAsync(null, "--Wizard:PauseAfter=00:00:08", "--Provisioning:DryRunStepDelay=00:00:05");
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var wizard = new WizardDriver(page, app.BaseUrl, app);
        await wizard.OpenNewAsync();
        await wizard.FillClusterStepAsync(WizardDriver.UniqueName("live"), "rack-live");
        await wizard.NextAsync("network");
        await wizard.NextAsync("policies");
        await wizard.NextAsync("review");
        await wizard.Field("submit").ClickAsync();
        await Expect(page.GetByTestId("cluster-page")).ToHaveAttributeAsync("data-circuit-live", "true");
        // from here on the page must not pause while the job runs (before, a loaded machine may pause the wizard
        // between two steps of filling it in, and the next action resumes it: that is the other tests' business)
        await page.EvaluateAsync("""
            () => { window.circuitStates = [];
                    new MutationObserver(() => window.circuitStates.push(document.documentElement.dataset.circuit))
                      .observe(document.documentElement, { attributes: true, attributeFilter: ['data-circuit'] }); }
            """);

        // no key, no click: the progress is pushed to the page until the job is done
        await Expect(page.GetByTestId("job-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = 180_000 });
        Assert.DoesNotContain("pausing", await page.EvaluateAsync<string[]>("() => window.circuitStates"));
        await Expect(page.GetByTestId("cluster-page")).Not.ToHaveAttributeAsync("data-circuit-live", "true");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-circuit", "paused", new() { Timeout = 90_000 });
    }
}
