using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Calico.Wizard.Features.Operations;

/// <summary>
/// The "ForwardedHeaders" section: the proxies whose X-Forwarded-Proto and X-Forwarded-For the app believes, given as
/// networks (<c>KnownNetworks</c>, CIDRs) or addresses (<c>KnownProxies</c>). Behind an ingress that ends TLS, the app
/// sees plain http from the ingress's pod; without believing the ingress it would take a browser's
/// <c>Origin: https://…</c> for another site (and refuse every POST), send the identity provider an
/// <c>http://…/signin-oidc</c> redirect, and issue its cookies without Secure (so never SameSite=None).
/// Nothing configured: the headers are ignored, as before.
/// </summary>
public sealed class ProxyOptions
{
    public List<string> KnownNetworks { get; set; } = [];
    public List<string> KnownProxies { get; set; } = [];

    public bool Enabled => KnownNetworks.Count > 0 || KnownProxies.Count > 0;
}

public static class ProxyHeaders
{
    public const string Section = "ForwardedHeaders";

    public static void AddProxyHeaders(this WebApplicationBuilder builder)
    {
        var proxy = builder.Configuration.GetSection(Section).Get<ProxyOptions>() ?? new ProxyOptions();
        builder.Services.AddSingleton(proxy);
        if (!proxy.Enabled) return;
        // Parsed here, so a typo stops the start with the key that holds it rather than trusting nobody (or everybody).
        var networks = proxy.KnownNetworks.Select((n, i) => Network(n) is { } net ? net
            : throw new InvalidOperationException(
                $"{Section}:KnownNetworks:{i} is '{n}', not a network in CIDR notation (e.g. 10.244.0.0/16, with no host bits set).")).ToArray();
        var proxies = proxy.KnownProxies.Select((p, i) => IPAddress.TryParse(p, out var ip) ? ip
            : throw new InvalidOperationException($"{Section}:KnownProxies:{i} is '{p}', not an IP address.")).ToArray();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            // The scheme and the client's address. Not X-Forwarded-Host: ingress-nginx passes the Host header through,
            // and AllowedHosts judges that one.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var network in networks) o.KnownIPNetworks.Add(network); // beside the loopback defaults
            foreach (var ip in proxies) o.KnownProxies.Add(ip);
        });
    }

    /// <summary>A CIDR whose address is the network's own: 10.1.0.0/8 is refused, not silently taken for 10.0.0.0/8.</summary>
    private static System.Net.IPNetwork? Network(string text) =>
        System.Net.IPNetwork.TryParse(text, out var net) && IPAddress.TryParse(text.Split('/')[0], out var given) && given.Equals(net.BaseAddress)
            ? net : null;

    /// <summary>First in the pipeline: every guard after it sees the scheme and peer the browser used.</summary>
    public static void UseProxyHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<ProxyOptions>().Enabled) app.UseForwardedHeaders();
    }
}
