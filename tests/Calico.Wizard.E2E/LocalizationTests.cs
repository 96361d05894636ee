using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Calico.Wizard.E2E;

/// <summary>
/// The wizard in German, chosen each way an operator or a portal can choose it: ?culture=de, the browser's
/// Accept-Language, the language picker, and an embedding portal's prefill locale. Labels, rule messages and
/// numbers follow; English stays the default.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LocalizationTests(BrowserFixture fixture)
{
    private async Task<(IBrowserContext, IPage, WizardDriver)> OpenAsync(string? locale = null)
    {
        var context = await fixture.Browser.NewContextAsync(new() { Locale = locale ?? "en-US" });
        var page = await context.NewPageAsync();
        return (context, page, new WizardDriver(page, fixture.App.BaseUrl, fixture.App));
    }

    [Fact]
    public async Task Culture_de_shows_german_labels_rule_messages_and_numbers_in_the_live_circuit()
    {
        var (context, page, wizard) = await OpenAsync();
        await using var _ = context;
        await page.GotoAsync(new Uri(fixture.App.BaseUrl, "new?culture=de").ToString());
        await wizard.WaitInteractiveAsync();
        Assert.Equal("de", await page.GetAttributeAsync("html", "lang"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Cluster anlegen");
        await Expect(page.Locator("label[for=cluster-name]")).ToHaveTextAsync("Clustername");

        // typed in the circuit (not prerendered): the core's rule message in German
        await wizard.FillAsync("cluster-name", "Kein_Name");
        await Expect(wizard.Error("cluster-name")).ToBeVisibleAsync();
        var message = await wizard.Error("cluster-name").InnerTextAsync();
        Assert.DoesNotContain("Use lowercase letters", message);
        await wizard.Field("next").ClickAsync();
        await Expect(page.GetByTestId("next-blocked")).ToContainTextAsync("Beheben Sie die 2 oben angezeigten Probleme");

        await wizard.FillClusterStepAsync(WizardDriver.UniqueName("de"), $"rack-{Guid.NewGuid():N}"[..13], nodes: "10");
        await wizard.NextAsync("network");
        await Expect(page.GetByTestId("step-network").Locator("h2")).ToHaveTextAsync("Netzwerkkonfiguration");
        await wizard.FillAsync("block-size", "30");
        // 10.20.0.0/16 in /30 blocks: 16,384 nodes — German groups thousands with a dot
        await Expect(page.GetByTestId("capacity")).ToContainTextAsync("16.384");
        await context.CloseAsync();
    }

    [Fact]
    public async Task The_browsers_language_picks_german_and_english_stays_the_default()
    {
        var (german, page, wizard) = await OpenAsync("de-DE");
        await using (german)
        {
            await wizard.OpenNewAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync("Cluster anlegen");
            await Expect(page.GetByTestId("next")).ToHaveTextAsync("Weiter", new() { IgnoreCase = true });
        }
        var (english, page2, wizard2) = await OpenAsync("fr-FR"); // not offered: English
        await using (english)
        {
            await wizard2.OpenNewAsync();
            await Expect(page2.Locator("h1")).ToHaveTextAsync("Create a cluster");
        }
    }

    [Fact]
    public async Task The_language_picker_reloads_the_same_draft_in_german_and_remembers_it()
    {
        var (context, page, wizard) = await OpenAsync();
        await using var _ = context;
        await wizard.OpenNewAsync();
        var name = WizardDriver.UniqueName("picker");
        await wizard.SavedAfterAsync(() => wizard.FillAsync("cluster-name", name));
        var draftUrl = page.Url;

        await page.GetByTestId("language-de").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Cluster anlegen");
        await wizard.WaitInteractiveAsync();
        await Expect(wizard.Field("cluster-name")).ToHaveValueAsync(name); // the same draft
        Assert.StartsWith(draftUrl, page.Url);

        // remembered: another page without ?culture= is German too
        await page.GotoAsync(new Uri(fixture.App.BaseUrl, "clusters").ToString());
        await Expect(page.Locator("h1")).ToHaveTextAsync("Cluster");
    }
}
