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

        // A value the server answers at once (out of range: a typo survives like any value), so the test knows the key
        // reached the circuit before the tab goes: a browser that closes in the same instant a key is typed may drop
        // the frame with it (seen once in four loaded CI runs, the value never arriving). No waiting for "Draft saved".
        await Wizard.Field("mtu").FillAsync("9377");
        await Expect(Wizard.Error("mtu")).ToContainTextAsync("9377");
        await Page.CloseAsync(new() { RunBeforeUnload = false });

        // The closed tab's circuit writes it as it ends: wait for the stored draft to say so (the spec file is the draft).
        using var http = new HttpClient { BaseAddress = Fixture.App.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        var deadline = DateTime.UtcNow + Waits.Message;
        var spec = await http.GetStringAsync($"api/drafts/{id}/spec.yaml");
        while (!spec.Contains("9377", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            spec = await http.GetStringAsync($"api/drafts/{id}/spec.yaml");
        }
        Assert.Contains("9377", spec);

        var again = await Page.Context.NewPageAsync();
        await again.GotoAsync(url);
        await Expect(again.GetByTestId("mtu")).ToHaveValueAsync("9377");
    }
}
