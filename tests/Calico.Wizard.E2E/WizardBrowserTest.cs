using Microsoft.Playwright;

namespace Calico.Wizard.E2E;

/// <summary>A test class with its own browser context (1280×1000) per test and a wizard driver on the shared app.</summary>
[Collection(BrowserCollection.Name)]
public abstract class WizardBrowserTest(BrowserFixture fixture) : IAsyncLifetime
{
    private IBrowserContext context = default!;

    protected BrowserFixture Fixture => fixture;
    protected WizardDriver Wizard { get; private set; } = default!;
    protected IPage Page => Wizard.Page;

    /// <summary>What the class's context needs beyond the viewport (e.g. downloads).</summary>
    protected virtual bool AcceptDownloads => false;

    public async Task InitializeAsync()
    {
        context = await fixture.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 1000 }, AcceptDownloads = AcceptDownloads });
        Wizard = new WizardDriver(await context.NewPageAsync(), fixture.App.BaseUrl, fixture.App);
    }

    public async Task DisposeAsync() => await context.DisposeAsync();
}
