using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Calico.Wizard.E2E;

/// <summary>
/// axe-core (Deque's engine, run in Chromium) over every page and every wizard step, in the light and the dark
/// scheme, in the states an operator meets: fresh, refused with messages, warned, done. Serious and critical
/// violations fail the test, each listed with its rule, its element and what axe says to fix.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserFixture fixture)
{
    private static readonly string[] Failing = ["serious", "critical"];

    private static async Task AuditAsync(IPage page, string where, List<string> found)
    {
        // Audit what the operator sees once the page has settled: the scheme applied (the circuit switches the theme
        // after its first render) and no colour transition half-way (MudBlazor's buttons fade between palettes).
        await page.WaitForFunctionAsync("""
            () => {
              const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
              const dark = matchMedia('(prefers-color-scheme: dark)').matches || document.querySelector('[data-testid=embed]') && new URL(location).searchParams.get('theme') === 'dark';
              return (r + g + b < 384) === !!dark
                && document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running');
            }
            """, null, new() { Timeout = Waits.Expect });
        var result = await page.RunAxe();
        foreach (var v in result.Violations.Where(v => Failing.Contains(v.Impact)))
            foreach (var node in v.Nodes)
                found.Add($"{where}: {v.Id} ({v.Impact}) {node.Target} — {string.Join("; ", node.Any.Concat(node.All).Concat(node.None).Select(c => c.Message))} | {node.Html[..Math.Min(node.Html.Length, 160)]}");
    }

    [Theory]
    [InlineData(ColorScheme.Light, "en-US")]
    [InlineData(ColorScheme.Dark, "en-US")]
    [InlineData(ColorScheme.Light, "de-DE")]
    [InlineData(ColorScheme.Dark, "de-DE")]
    public async Task Every_page_and_step_has_no_serious_or_critical_violation(ColorScheme scheme, string locale)
    {
        // the browser's language chooses the wizard's (German texts are longer: layout and contrast are audited in both)
        await using var context = await fixture.Browser.NewContextAsync(new() { ColorScheme = scheme, Locale = locale, ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        var wizard = new WizardDriver(page, fixture.App.BaseUrl, fixture.App);
        var found = new List<string>();
        var name = WizardDriver.UniqueName("axe");
        var network = $"vpc-{Guid.NewGuid():N}"[..12];

        await wizard.OpenNewAsync();
        Assert.Equal(locale[..2], await page.GetAttributeAsync("html", "lang"));
        await AuditAsync(page, "Cluster step", found);
        await wizard.FillAsync("cluster-name", "Not_A_Name");
        await wizard.Field("next").ClickAsync();
        await Expect(wizard.Error("cluster-name")).ToBeVisibleAsync();
        await AuditAsync(page, "Cluster step, refused", found);

        await wizard.FillClusterStepAsync(name, network, "aws");
        await wizard.NextAsync("network");
        await Expect(page.GetByTestId("warning").First).ToBeVisibleAsync(); // AWS: allow IP-in-IP in the security group
        await AuditAsync(page, "Network step, warned", found);
        await wizard.FillAsync("containers-cidr", "10.0.0.1/16");
        await Expect(wizard.Error("containers-cidr")).ToBeVisibleAsync();
        await AuditAsync(page, "Network step, refused", found);
        await wizard.FillAsync("containers-cidr", $"10.{Random.Shared.Next(150, 250)}.0.0/16");
        await wizard.NextAsync("policies");
        await AuditAsync(page, "Policies step", found);
        await wizard.NextAsync("review");
        await AuditAsync(page, "Review step", found);
        await wizard.Field("submit").ClickAsync();
        await Expect(page.GetByTestId("job-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = Waits.JobFinished });
        await AuditAsync(page, "Cluster page, Succeeded", found);

        await page.GotoAsync(new Uri(fixture.App.BaseUrl, "clusters").ToString());
        await Expect(page.GetByTestId("cluster-row").First).ToBeVisibleAsync();
        await AuditAsync(page, "Clusters list", found);

        await page.GotoAsync(new Uri(fixture.App.BaseUrl, $"networks/AWS/{network}").ToString());
        await Expect(page.GetByTestId("address-map")).ToBeVisibleAsync();
        await AuditAsync(page, "Network page", found);

        var missing = await page.GotoAsync(new Uri(fixture.App.BaseUrl, "no-such-page").ToString());
        Assert.Equal(404, missing!.Status);
        await Expect(page.GetByTestId("not-found")).ToBeVisibleAsync(); // the app's page, not an empty 404
        await AuditAsync(page, "Not found", found);

        await page.GotoAsync(new Uri(fixture.App.BaseUrl, $"embed?theme={(scheme == ColorScheme.Dark ? "dark" : "light")}").ToString());
        await wizard.WaitInteractiveAsync();
        await AuditAsync(page, "Embedded wizard", found);

        var report = new StringBuilder().AppendJoin('\n', found).ToString();
        Console.WriteLine(found.Count == 0 ? $"axe ({scheme}, {locale}): no serious or critical violation" : report);
        Assert.True(found.Count == 0, $"{found.Count} serious/critical violation(s) ({scheme}, {locale}):\n{report}");
    }
}
