namespace Calico.Wizard.Headless;

/// <summary>
/// How anything that drives the wizard in a browser starts Chromium and knows the page is live: the headless
/// command, the browser tests and the browser benchmark share this one file.
/// </summary>
public static class BrowserContract
{
    /// <summary>Debian's package (never a browser download); CHROMIUM_PATH overrides it.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";

    /// <summary>Headless as root, on a machine whose only network is loopback.</summary>
    public static readonly string[] ChromiumArgs =
        [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync",
        ];

    /// <summary>
    /// Present once the page's circuit is up: prerendered HTML looks interactive before it is, and a click on it
    /// would be lost.
    /// </summary>
    public const string Interactive = "[data-interactive='true']";
}
