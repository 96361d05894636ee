namespace Calico.Wizard.Headless;

public sealed record HeadlessOptions(Uri Url, string SpecPath, string Chromium, bool Json, TimeSpan Timeout, string? Screenshot)
{
    public const string Usage = """
        Usage: calico-wizard-headless --url URL --spec FILE [--json] [--chromium PATH] [--timeout SECONDS] [--screenshot FILE]

          --url         the wizard, e.g. http://127.0.0.1:5000
          --spec        a cluster spec file (Review → "Download spec")
          --json        one JSON object per line instead of text
          --chromium    the browser (default: $CHROMIUM_PATH or /usr/bin/chromium)
          --timeout     seconds to wait for provisioning to finish (default 900)
          --screenshot  save the last page seen as a PNG

        Exit codes: 0 the job Succeeded · 1 provisioning failed, was cancelled or timed out · 2 the spec breaks a rule (the
        messages are printed as the wizard shows them) · 64 bad usage.
        """;

    public static HeadlessOptions? Parse(string[] args, out string? error)
    {
        error = null;
        var values = new Dictionary<string, string>();
        var json = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--json": json = true; break;
                case "--url" or "--spec" or "--chromium" or "--timeout" or "--screenshot" when i + 1 < args.Length:
                    values[args[i][2..]] = args[++i]; break;
                default: error = $"Unknown or incomplete argument '{args[i]}'."; return null;
            }
        }
        if (!values.TryGetValue("url", out var url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            error = "--url is required (http://host:port).";
            return null;
        }
        if (!values.TryGetValue("spec", out var spec)) { error = "--spec is required."; return null; }
        var timeout = values.TryGetValue("timeout", out var t) && int.TryParse(t, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromMinutes(15);
        var chromium = values.GetValueOrDefault("chromium") ?? BrowserContract.ChromiumPath;
        return new HeadlessOptions(uri, spec, chromium, json, timeout, values.GetValueOrDefault("screenshot"));
    }
}
