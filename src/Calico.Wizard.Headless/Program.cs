using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Headless;
using Microsoft.Playwright;

if (HeadlessOptions.Parse(args, out var usageError) is not { } options)
{
    Console.Error.WriteLine(usageError);
    Console.Error.WriteLine(HeadlessOptions.Usage);
    return 64;
}
var report = new Report(options.Json, Console.Out);

if (!File.Exists(options.SpecPath)) { report.Error($"The spec file {options.SpecPath} does not exist."); return 2; }
var (spec, specError) = DraftFile.Read(await File.ReadAllTextAsync(options.SpecPath));
if (spec is null) { report.Invalid([("spec", specError!)]); return 2; }
if (!File.Exists(options.Chromium)) { report.Error($"Chromium not found at {options.Chromium}: install Debian's 'chromium' or pass --chromium."); return 1; }

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new()
{
    ExecutablePath = options.Chromium,
    Headless = true,
    Args = BrowserContract.ChromiumArgs,
});
var page = await browser.NewPageAsync();
var robot = new WizardRobot(page, report);
try
{
    var clusterUrl = await robot.SubmitAsync(options.Url, spec);
    var (state, error) = await robot.FollowAsync(options.Timeout);
    report.Finished(state, clusterUrl, error);
    return state == "Succeeded" ? 0 : 1;
}
catch (SpecRejected rejected)
{
    report.Invalid(rejected.Errors);
    return 2;
}
catch (PlaywrightException e)
{
    report.Error($"The wizard did not respond as expected: {e.Message.Split('\n')[0]}");
    return 1;
}
finally
{
    if (options.Screenshot is { } path) await page.ScreenshotAsync(new() { Path = path, FullPage = true });
}
