using Calico.Wizard.Headless;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Calico.Wizard.E2E;

/// <summary>An allowed portal, a portal that is not allowed, and the app allowing only the first — each on its own loopback port.</summary>
public sealed class EmbedFixture : IAsyncLifetime
{
    public PortalHost Allowed { get; private set; } = default!;
    public PortalHost Other { get; private set; } = default!;
    public WizardApp App { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Allowed = await PortalHost.StartAsync();
        Other = await PortalHost.StartAsync();
        App = await WizardApp.StartAsync(null, $"--Embedding:AllowedOrigins:0={Allowed.OriginText}");
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Allowed.DisposeAsync();
        await Other.DisposeAsync();
    }
}

[Collection(BrowserCollection.Name)]
public sealed class EmbedTests(BrowserFixture browser, EmbedFixture fixture) : IClassFixture<EmbedFixture>, IAsyncLifetime
{
    private IBrowserContext context = default!;
    private IPage page = default!;

    public async Task InitializeAsync()
    {
        context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 1000 } });
        page = await context.NewPageAsync();
    }

    public async Task DisposeAsync() => await context.DisposeAsync();

    private IFrameLocator Wizard => page.FrameLocator("#wizard");

    private IFrame WizardFrame => page.Frames.Single(f => f.Name == "wizard");

    private async Task<List<JsonElement>> EventsAsync() =>
        (await page.EvaluateAsync<JsonElement>("() => window.events.filter(e => e.type !== 'height')")).EnumerateArray().ToList();

    /// <summary>
    /// What docs/embedding.md asks of a portal: send only once the frame said "ready" (its message listener is up
    /// then). The page turns interactive a moment earlier, so a message sent on that alone can arrive before anyone
    /// listens, and is lost — as it was on a busy CI machine.
    /// </summary>
    private Task ReadyAsync(int loads = 1) =>
        page.WaitForFunctionAsync("n => window.events.filter(e => e.type === 'ready').length >= n", loads, new() { Timeout = Waits.Expect });

    private static string Describe(JsonElement e) => e.GetProperty("type").GetString() switch
    {
        "step" => $"step:{e.GetProperty("step").GetString()}",
        "progress" or "finished" => $"{e.GetProperty("type").GetString()}:{e.GetProperty("state").GetString()}",
        var t => t!,
    };

    [Fact]
    public async Task Allowed_portal_embeds_the_wizard_prefills_it_and_receives_every_event_in_order()
    {
        var name = WizardDriver.UniqueName("portal");
        await page.GotoAsync(fixture.Allowed.PortalUrl(fixture.App.BaseUrl, $"/embed?origin={Uri.EscapeDataString(fixture.Allowed.OriginText)}&provider=AWS"));
        await Expect(Wizard.Locator(BrowserContract.Interactive)).ToBeVisibleAsync();
        await Expect(Wizard.GetByTestId("provider-aws")).ToBeCheckedAsync(); // query-string prefill
        await Expect(Wizard.GetByTestId("nav-new")).ToHaveCountAsync(0);     // no app chrome
        await ReadyAsync();

        await page.EvaluateAsync("spec => window.send({ type: 'prefill', spec })", new { name, l2Network = "vpc-0a1b2c3d", plannedNodes = "4" });
        await Expect(Wizard.GetByTestId("cluster-name")).ToHaveValueAsync(name);
        await Expect(Wizard.GetByTestId("l2-network")).ToHaveValueAsync("vpc-0a1b2c3d");

        await page.EvaluateAsync("spec => window.send({ type: 'prefill', spec })", new { containersCidr = "10.0.0.1/16" });
        await Expect(Wizard.GetByTestId("next")).ToBeVisibleAsync();
        await Wizard.GetByTestId("next").ClickAsync();
        await Expect(Wizard.GetByTestId("containers-cidr-error")).ToHaveTextAsync("Host bits are set: did you mean 10.0.0.0/16?"); // prefill is validated like typing
        await Wizard.GetByTestId("containers-cidr").FillAsync("10.90.0.0/16");
        await Wizard.GetByTestId("next").ClickAsync();
        await Expect(Wizard.GetByTestId("step-policies")).ToBeVisibleAsync();
        await Wizard.GetByTestId("next").ClickAsync();
        await Wizard.GetByTestId("submit").ClickAsync();
        await Expect(Wizard.GetByTestId("job-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = Waits.JobFinished });
        await page.WaitForFunctionAsync("() => window.events.some(e => e.type === 'finished')");

        var events = await EventsAsync();
        var kinds = events.Select(Describe).ToList();
        Assert.Equal("ready", kinds[0]);
        Assert.Equal("step:Cluster", kinds[1]);
        var order = new[] { "step:Cluster", "step:Network", "step:Policies", "step:Review", "submitted", "finished:Succeeded" }
            .Select(k => kinds.IndexOf(k)).ToList();
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.OrderBy(i => i), order);
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "validity" && !e.GetProperty("valid").GetBoolean());
        // a dry run may finish before the cluster page opens: progress is reported as the page sees it, finished last
        var lastProgress = kinds.FindLastIndex(k => k.StartsWith("progress:", StringComparison.Ordinal));
        Assert.True(lastProgress > kinds.IndexOf("submitted"), string.Join(", ", kinds));
        Assert.True(lastProgress < kinds.IndexOf("finished:Succeeded"), string.Join(", ", kinds));
        var submitted = events.Single(e => e.GetProperty("type").GetString() == "submitted");
        Assert.Contains($"/embed/clusters/{submitted.GetProperty("clusterId").GetString()}", WizardFrame.Url);
    }

    /// <summary>
    /// docs/embedding.md promises "ready" first: a portal answers it with its prefill, so anything before it (a height
    /// while the page lays out, a step or validity from the circuit) would reach a portal that is not listening yet.
    /// Every message counts here, height included, over several fresh loads (the report saw height first in one of two).
    /// </summary>
    [Fact]
    public async Task Ready_is_the_first_message_a_portal_receives_on_every_load_and_comes_once()
    {
        for (var load = 0; load < 4; load++)
        {
            var fresh = await context.NewPageAsync();
            await fresh.GotoAsync(fixture.Allowed.PortalUrl(fixture.App.BaseUrl, $"/embed?origin={Uri.EscapeDataString(fixture.Allowed.OriginText)}"));
            await fresh.WaitForFunctionAsync("() => window.events.some(e => e.type === 'validity') && window.events.some(e => e.type === 'height')",
                null, new() { Timeout = Waits.Expect });
            var kinds = (await fresh.EvaluateAsync<string[]>("() => window.events.map(e => e.type)")).ToList();
            Assert.True(kinds[0] == "ready", $"load {load}: {string.Join(", ", kinds)}");
            Assert.Equal(1, kinds.Count(k => k == "ready"));
            Assert.Contains("step", kinds);
            await fresh.CloseAsync();
        }
    }

    [Fact]
    public async Task A_prefill_locale_turns_the_embedded_wizard_german_and_keeps_what_it_filled()
    {
        var name = WizardDriver.UniqueName("locale");
        await page.GotoAsync(fixture.Allowed.PortalUrl(fixture.App.BaseUrl, $"/embed?origin={Uri.EscapeDataString(fixture.Allowed.OriginText)}"));
        await Expect(Wizard.Locator(BrowserContract.Interactive)).ToBeVisibleAsync();
        await Expect(Wizard.Locator("h1")).ToHaveTextAsync("Create a cluster");
        await ReadyAsync();

        await page.EvaluateAsync("spec => window.send({ type: 'prefill', spec })", new { locale = "de", name });
        await Expect(Wizard.Locator("h1")).ToHaveTextAsync("Cluster anlegen", new() { Timeout = Waits.Expect });
        await Expect(Wizard.Locator(BrowserContract.Interactive)).ToBeVisibleAsync();
        await Expect(Wizard.GetByTestId("cluster-name")).ToHaveValueAsync(name); // saved before the frame reloaded
        await Expect(Wizard.Locator("label[for=cluster-name]")).ToHaveTextAsync("Clustername");
        await ReadyAsync(loads: 2); // the German page said "ready" again

        // a locale the wizard does not speak is refused with a message to the portal, nothing else changes
        await page.EvaluateAsync("spec => window.send({ type: 'prefill', spec })", new { locale = "xx" });
        await page.WaitForFunctionAsync("() => window.events.some(e => e.type === 'error' && /locale 'xx' is not offered/.test(e.message))");
        await Expect(Wizard.Locator("h1")).ToHaveTextAsync("Cluster anlegen");
    }

    [Fact]
    public async Task Portal_not_on_the_allow_list_is_refused_the_frame()
    {
        var refused = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Console += (_, m) => { if (m.Text.Contains("frame-ancestors", StringComparison.Ordinal)) refused.TrySetResult(m.Text); };
        await page.GotoAsync(fixture.Other.PortalUrl(fixture.App.BaseUrl, "/embed"));

        var message = await refused.Task.WaitAsync(Waits.Message);
        Assert.Contains(fixture.App.BaseUrl.GetLeftPart(UriPartial.Authority), message);
        Assert.Equal(0, await Wizard.Locator("[data-testid='wizard']").CountAsync());
        Assert.Empty(await EventsAsync());
    }

    [Fact]
    public async Task Prefill_from_another_origin_is_ignored()
    {
        await page.GotoAsync(fixture.Allowed.PortalUrl(fixture.App.BaseUrl, $"/embed?origin={Uri.EscapeDataString(fixture.Allowed.OriginText)}", attacker: fixture.Other.Origin));
        await Expect(Wizard.Locator(BrowserContract.Interactive)).ToBeVisibleAsync();
        await ReadyAsync();
        var attacker = page.FrameLocator("#attacker");
        await Expect(attacker.Locator("body")).ToBeAttachedAsync();
        await page.Frames.Single(f => f.Url.Contains("/attacker", StringComparison.Ordinal)).EvaluateAsync("() => window.attack()");

        // The allowed parent's own prefill, sent after the attack, arrives; the attacker's never does.
        await page.EvaluateAsync("() => window.send({ type: 'prefill', spec: { l2Network: 'rack-after' } })");
        await Expect(Wizard.GetByTestId("l2-network")).ToHaveValueAsync("rack-after");
        await Expect(Wizard.GetByTestId("cluster-name")).ToHaveValueAsync("");
    }

    [Fact]
    public async Task Theme_follows_the_parameter_and_the_parent()
    {
        await page.GotoAsync(fixture.Allowed.PortalUrl(fixture.App.BaseUrl, $"/embed?origin={Uri.EscapeDataString(fixture.Allowed.OriginText)}&theme=dark"));
        await Expect(Wizard.Locator(BrowserContract.Interactive)).ToBeVisibleAsync();
        await ReadyAsync();
        var background = () => Wizard.Locator("body").EvaluateAsync<string>("b => getComputedStyle(b).backgroundColor");
        var dark = await background();
        Assert.NotEqual("rgb(255, 255, 255)", dark);
        await page.EvaluateAsync("() => window.send({ type: 'theme', theme: 'light' })");
        await WizardFrame.WaitForFunctionAsync("dark => getComputedStyle(document.body).backgroundColor !== dark", dark);
        Assert.Equal("rgb(255, 255, 255)", await background());
    }
}
