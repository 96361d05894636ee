using System.Text.Json;
using Calico.Wizard.Core.Drafts;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.JSInterop;

namespace Calico.Wizard.Features.Embed;

/// <summary>
/// The embedded wizard's line to its parent page: events out with postMessage to the one parent origin chosen
/// from the allow-list, prefill and theme in, only from allowed origins (checked in the browser and again here).
/// </summary>
public sealed class EmbedChannel(IJSRuntime js, IReadOnlyCollection<string> allowedOrigins, string parentOrigin, ILogger logger) : IAsyncDisposable
{
    private IJSObjectReference? module;
    private DotNetObjectReference<EmbedChannel>? self;
    private string? lastValidity;
    private readonly List<(string Type, object Payload)> early = []; // posted before "ready": sent right after it
    private bool started;

    public bool Dark { get; private set; }

    public event Func<DraftFile.Spec, Task>? PrefillReceived;

    /// <summary>A prefill's <c>locale</c> (a supported language): raised after its fields are applied.</summary>
    public event Func<System.Globalization.CultureInfo, Task>? LocaleReceived;
    public event Action? ThemeChanged;

    /// <summary>Chooses the parent origin: ?origin= when it is allowed, the only allowed origin, or the app's own.</summary>
    public static (string Parent, string[] Allowed) Origins(string uri, IEnumerable<string> configured)
    {
        var own = new Uri(uri).GetLeftPart(UriPartial.Authority);
        var allowed = configured.Select(o => o.TrimEnd('/')).Append(own).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var asked = QueryHelpers.ParseQuery(new Uri(uri).Query).TryGetValue("origin", out var o) ? o.ToString().TrimEnd('/') : null;
        var parent = asked is not null && allowed.Contains(asked, StringComparer.OrdinalIgnoreCase) ? asked
            : allowed.Length == 2 ? allowed[0] : own;
        return (parent, allowed);
    }

    public static bool DarkFrom(string uri) =>
        QueryHelpers.ParseQuery(new Uri(uri).Query).TryGetValue("theme", out var t) && t.ToString().Equals("dark", StringComparison.OrdinalIgnoreCase);

    public void SetDark(bool dark) => Dark = dark;

    public async Task StartAsync()
    {
        module = await js.InvokeAsync<IJSObjectReference>("import", "./embed.js");
        self = DotNetObjectReference.Create(this);
        await module.InvokeVoidAsync("start", self, parentOrigin, allowedOrigins); // posts "ready" first
        // What was posted meanwhile goes next, in order, before anything posted later (the circuit is one thread).
        while (early.Count > 0)
        {
            var (type, payload) = early[0];
            early.RemoveAt(0);
            await SendAsync(type, payload);
        }
        started = true;
    }

    public async Task PostAsync(string type, object payload)
    {
        if (!started) { early.Add((type, payload)); return; }
        await SendAsync(type, payload);
    }

    private async Task SendAsync(string type, object payload)
    {
        try { await module!.InvokeVoidAsync("post", type, payload); }
        catch (JSDisconnectedException) { } // the frame went away; nothing to tell
    }

    /// <summary>Validity is sent when it changes, not on every keystroke.</summary>
    public Task PostValidityAsync(string step, bool valid, int errors)
    {
        var now = $"{step}:{valid}:{errors}";
        if (now == lastValidity) return Task.CompletedTask;
        lastValidity = now;
        return PostAsync("validity", new { step, valid, errors });
    }

    [JSInvokable]
    public async Task Receive(string origin, string json)
    {
        if (!allowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase))
        {
            logger.LogWarning("Ignored an embed message from an origin that is not allowed");
            return;
        }
        using var doc = JsonDocument.Parse(json);
        var type = doc.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type == "prefill" && doc.RootElement.TryGetProperty("spec", out var specJson) && specJson.ValueKind == JsonValueKind.Object)
        {
            // "locale" is the portal's language, not a spec key: taken out before the spec reader (which refuses unknown keys)
            var locale = specJson.TryGetProperty("locale", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
            var fields = System.Text.Json.Nodes.JsonNode.Parse(specJson.GetRawText())!.AsObject();
            fields.Remove("locale");
            if (locale is not null && Localization.Languages.Find(locale) is null)
            {
                await PostAsync("error", new
                {
                    message = $"locale '{(locale.Length > 16 ? locale[..16] : locale)}' is not offered: use one of " +
                        $"{string.Join(", ", Localization.Languages.Supported.Select(c => c.Name))}.",
                });
                return;
            }
            if (fields.Count > 0)
            {
                var (spec, error) = DraftFile.Read(fields.ToJsonString()); // JSON is YAML: one reader, one set of keys
                if (spec is null) { await PostAsync("error", new { message = error }); return; }
                if (PrefillReceived is { } handler) await handler(spec);
            }
            if (Localization.Languages.Find(locale) is { } language && LocaleReceived is { } onLocale) await onLocale(language);
        }
        else if (type == "theme" && doc.RootElement.TryGetProperty("theme", out var theme))
        {
            Dark = theme.GetString() == "dark";
            ThemeChanged?.Invoke();
        }
    }

    public async ValueTask DisposeAsync()
    {
        self?.Dispose();
        if (module is not null)
        {
            try { await module.DisposeAsync(); }
            catch (JSDisconnectedException) { }
        }
    }
}
