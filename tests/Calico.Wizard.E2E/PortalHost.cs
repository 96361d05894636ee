using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Calico.Wizard.E2E;

/// <summary>
/// An admin portal on its own loopback port (so its own origin) that embeds the wizard as docs/embedding.md says,
/// records every message the frame posts, and can post messages to it — or, as /attacker, try to.
/// </summary>
public sealed class PortalHost : IAsyncDisposable
{
    private readonly WebApplication app;

    public Uri Origin { get; }

    private PortalHost(WebApplication app, Uri origin) => (this.app, Origin) = (app, origin);

    public static async Task<PortalHost> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/portal", () => Results.Content(PortalPage, "text/html"));
        app.MapGet("/attacker", () => Results.Content(AttackerPage, "text/html"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PortalHost(app, new Uri(address.TrimEnd('/')));
    }

    public string OriginText => Origin.GetLeftPart(UriPartial.Authority);

    /// <summary>The portal page framing <paramref name="wizardUrl"/>; <paramref name="attacker"/> adds a second frame from another origin.</summary>
    public string PortalUrl(Uri app, string wizardPath, Uri? attacker = null) =>
        $"{OriginText}/portal?app={Uri.EscapeDataString(app.GetLeftPart(UriPartial.Authority))}&src={Uri.EscapeDataString(wizardPath)}"
        + (attacker is null ? "" : $"&attacker={Uri.EscapeDataString(attacker.GetLeftPart(UriPartial.Authority) + "/attacker")}");

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    // The 10-line host of docs/embedding.md, plus a record of what arrived.
    private const string PortalPage = """
        <!doctype html><html><body><h1>Admin portal</h1>
        <iframe id="wizard" name="wizard" style="width:100%;height:900px;border:0"></iframe>
        <iframe id="attacker" style="width:10px;height:10px"></iframe>
        <script>
          const q = new URLSearchParams(location.search), app = q.get('app');
          window.events = [];
          window.addEventListener('message', e => {
            if (e.origin === app && e.data && e.data.source === 'calico-wizard') window.events.push(e.data);
          });
          window.send = m => document.getElementById('wizard').contentWindow.postMessage(Object.assign({ target: 'calico-wizard' }, m), app);
          document.getElementById('wizard').src = app + q.get('src');
          if (q.get('attacker')) document.getElementById('attacker').src = q.get('attacker');
        </script></body></html>
        """;

    // Another origin inside the same portal page, trying to prefill the wizard frame.
    private const string AttackerPage = """
        <!doctype html><html><body><script>
          window.attack = () => parent.frames['wizard'].postMessage(
            { target: 'calico-wizard', type: 'prefill', spec: { name: 'hijacked', containersCidr: '0.0.0.0/0' } }, '*');
        </script></body></html>
        """;
}
