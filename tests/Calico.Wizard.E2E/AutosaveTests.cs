using static Microsoft.Playwright.Assertions;

namespace Calico.Wizard.E2E;

/// <summary>
/// Drafts are written at most once per autosave window (500 ms): what was typed inside the window is written when
/// the tab closes, as well as when the window ends. (A crash inside the window loses that window: README.)
/// </summary>
public sealed class AutosaveTests(BrowserFixture fixture) : WizardBrowserTest(fixture)
{
    [Fact]
    public async Task A_value_typed_just_before_the_tab_closes_is_in_the_draft_when_it_is_opened_again()
    {
        await Wizard.OpenNewAsync();
        await Wizard.FillClusterStepAsync(WizardDriver.UniqueName("closing"), "rack-closing");
        await Wizard.NextAsync("network");
        var url = Page.Url;
        var id = new Uri(url).Segments[^1];

        await Wizard.Field("mtu").FillAsync("1377"); // no waiting for "Draft saved"
        await Page.CloseAsync(new() { RunBeforeUnload = false });

        // The closed tab's circuit writes it as it ends: wait for the stored draft to say so (the spec file is the draft).
        using var http = new HttpClient { BaseAddress = Fixture.App.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        var deadline = DateTime.UtcNow + Waits.Message;
        var spec = await http.GetStringAsync($"api/drafts/{id}/spec.yaml");
        while (!spec.Contains("1377", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            spec = await http.GetStringAsync($"api/drafts/{id}/spec.yaml");
        }
        Assert.Contains("1377", spec);

        var again = await Page.Context.NewPageAsync();
        await again.GotoAsync(url);
        await Expect(again.GetByTestId("mtu")).ToHaveValueAsync("1377");
    }
}
