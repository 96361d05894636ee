using Calico.Wizard.Headless;
using Microsoft.Playwright;

namespace Calico.Wizard.E2E;

/// <summary>One running app and one Debian Chromium for the whole test collection; each test gets its own page.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public static string ChromiumPath => BrowserContract.ChromiumPath;

    public WizardApp App { get; private set; } = default!;
    public IPlaywright Playwright { get; private set; } = default!;
    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Microsoft.Playwright.Assertions.SetDefaultExpectTimeout(Waits.Expect);
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Chromium not found at {ChromiumPath}: install Debian's 'chromium' package (the test script does) or set CHROMIUM_PATH.");
        App = await WizardApp.StartAsync();
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Args = BrowserContract.ChromiumArgs, Headless = true });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await App.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
