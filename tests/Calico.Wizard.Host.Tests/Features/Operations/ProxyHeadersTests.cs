using System.Net;
using Calico.Wizard.Host.Tests.Hosting;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Calico.Wizard.Host.Tests.Features.Operations;

/// <summary>
/// Behind an ingress that ends TLS (deploy/kubernetes): the app sees http from the ingress's pod. It must take
/// X-Forwarded-Proto from the configured pod network — or the browser's https Origin looks foreign (every POST
/// refused) and the identity provider is sent an http redirect — and from nobody else.
/// </summary>
public sealed class ProxyHeadersTests : IAsyncLifetime
{
    private const string Host = "calico-wizard.example.com";
    private const string IngressPod = "10.42.0.7";   // inside ForwardedHeaders:KnownNetworks
    private const string Stranger = "192.0.2.10";    // outside it

    private readonly string database = AppReplica.TempSqlitePath();
    private AppReplica app = null!;

    public Task InitializeAsync()
    {
        // What deploy/kubernetes configures (its ConfigMap), with an identity provider that is never called.
        app = new AppReplica(new Dictionary<string, string?>
        {
            ["Storage:SqlitePath"] = database,
            ["AllowedHosts"] = Host,
            ["Urls"] = "http://0.0.0.0:8080",
            ["Authentication:Authority"] = "https://login.example.com/realms/ops",
            ["Authentication:ClientId"] = "calico-wizard",
            ["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/8",
        }, services => services.Configure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, o => o.Configuration = new OpenIdConnectConfiguration
        {
            Issuer = "https://login.example.com/realms/ops",
            AuthorizationEndpoint = "https://login.example.com/realms/ops/authorize",
        }));
        _ = app.Services; // start it
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        AppReplica.DeleteSqlite(database);
    }

    [Theory]
    [InlineData(IngressPod, "https", "https://calico-wizard.example.com/signin-oidc")]
    [InlineData(Stranger, "https", "http://calico-wizard.example.com/signin-oidc")] // a forged header from outside the known network is ignored
    [InlineData(IngressPod, null, "http://calico-wizard.example.com/signin-oidc")]
    public async Task The_sign_in_redirect_names_the_scheme_the_browser_used_only_when_the_ingress_says_so(string peer, string? forwardedProto, string redirectUri)
    {
        var context = await SendAsync(peer, HttpMethods.Get, "/signin", forwardedProto);

        Assert.Equal(StatusCodes.Status302Found, context.Response.StatusCode);
        var location = new Uri(context.Response.Headers.Location.ToString());
        Assert.StartsWith("https://login.example.com/realms/ops/authorize?", location.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(redirectUri, System.Web.HttpUtility.ParseQueryString(location.Query)["redirect_uri"]);
    }

    [Theory]
    [InlineData(IngressPod, StatusCodes.Status401Unauthorized)] // same origin: on to sign-in, which an API call is told as 401
    [InlineData(Stranger, StatusCodes.Status403Forbidden)]      // https Origin on an http request: refused as cross-origin
    public async Task A_post_from_the_apps_own_https_page_passes_the_origin_check_only_through_the_ingress(string peer, int status)
    {
        var context = await SendAsync(peer, HttpMethods.Post, "/api/clusters", "https", request =>
        {
            request.Headers.Origin = $"https://{Host}";
            request.Headers["Sec-Fetch-Site"] = "same-origin";
            request.ContentType = "application/json";
            request.Body = new MemoryStream("{}"u8.ToArray());
        });

        Assert.True(status == context.Response.StatusCode, new StreamReader(context.Response.Body).ReadToEnd());
    }

    [Theory]
    [InlineData(IngressPod, "samesite=none")] // what the embedded wizard (a third-party frame) needs
    [InlineData(Stranger, "samesite=lax")]    // over what the app takes for plain http, browsers would drop SameSite=None
    public async Task Sign_in_cookies_over_the_ingresss_https_may_be_sent_from_a_frame(string peer, string sameSite)
    {
        var context = await SendAsync(peer, HttpMethods.Get, "/signin", "https");

        var cookies = context.Response.Headers.SetCookie.ToArray();
        Assert.NotEmpty(cookies); // the sign-in's correlation and nonce cookies
        Assert.All(cookies, c => Assert.Contains(sameSite, c, StringComparison.OrdinalIgnoreCase));
        Assert.All(cookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("KnownNetworks", "10.1.0.0/8")] // host bits set: which network was meant?
    [InlineData("KnownNetworks", "10.0.0.0")]
    [InlineData("KnownProxies", "ingress-nginx")]
    public async Task A_proxy_setting_that_does_not_parse_stops_the_start_naming_its_key(string key, string value)
    {
        var path = AppReplica.TempSqlitePath();
        try
        {
            await using var broken = new AppReplica(new Dictionary<string, string?> { ["Storage:SqlitePath"] = path, [$"ForwardedHeaders:{key}:0"] = value });
            var error = Assert.Throws<InvalidOperationException>(() => broken.Services);
            Assert.Contains($"ForwardedHeaders:{key}:0 is '{value}'", error.Message, StringComparison.Ordinal);
        }
        finally { AppReplica.DeleteSqlite(path); }
    }

    private Task<HttpContext> SendAsync(string peer, string method, string path, string? forwardedProto, Action<HttpRequest>? more = null) =>
        app.Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Parse(peer);
            c.Request.Method = method;
            c.Request.Scheme = "http"; // the ingress speaks plain http to the pod
            c.Request.Host = new HostString(Host);
            c.Request.Path = path;
            c.Request.Headers["X-Forwarded-For"] = "203.0.113.5";
            if (forwardedProto is not null) c.Request.Headers["X-Forwarded-Proto"] = forwardedProto;
            more?.Invoke(c.Request);
        });
}
