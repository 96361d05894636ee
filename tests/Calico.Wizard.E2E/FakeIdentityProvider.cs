using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Calico.Wizard.E2E;

/// <summary>
/// An OpenID Connect provider on its own loopback port, just enough for the code flow: discovery, keys, an
/// authorize endpoint that signs in whoever the test says (answering with form_post, as the handler asks), and a
/// token endpoint issuing RS256 id_tokens with the user's roles.
/// </summary>
public sealed class FakeIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "calico-wizard";
    private readonly WebApplication app;
    private readonly RsaSecurityKey key = new(RSA.Create(2048)) { KeyId = "test-key" };
    private readonly ConcurrentDictionary<string, (string User, string[] Roles, string? Nonce)> codes = new();

    public Uri Issuer { get; private set; } = default!;

    /// <summary>Who the next sign-in is, and their roles.</summary>
    public (string User, string[] Roles) NextUser { get; set; } = ("ops@example.com", ["calico-operator"]);

    private FakeIdentityProvider()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        app = builder.Build();
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = IssuerText,
            ["authorization_endpoint"] = $"{IssuerText}/authorize",
            ["token_endpoint"] = $"{IssuerText}/token",
            ["end_session_endpoint"] = $"{IssuerText}/logout",
            ["jwks_uri"] = $"{IssuerText}/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["response_modes_supported"] = new[] { "form_post", "query" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
        }));
        app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, use = "sig", kid = jwk.Kid, alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        app.MapGet("/authorize", (HttpRequest r) =>
        {
            var code = Guid.NewGuid().ToString("N");
            codes[code] = (NextUser.User, NextUser.Roles, r.Query["nonce"]);
            var redirect = r.Query["redirect_uri"].ToString();
            var state = r.Query["state"].ToString();
            var html = $"""
                <html><body onload="document.forms[0].submit()"><form method="post" action="{HtmlEncoder.Default.Encode(redirect)}">
                <input type="hidden" name="code" value="{code}"><input type="hidden" name="state" value="{HtmlEncoder.Default.Encode(state)}">
                </form></body></html>
                """;
            return Results.Content(html, "text/html");
        });
        app.MapPost("/token", async (HttpRequest r) =>
        {
            var form = await r.ReadFormAsync();
            if (!codes.TryRemove(form["code"].ToString(), out var grant)) return Results.BadRequest(new { error = "invalid_grant" });
            var now = DateTime.UtcNow;
            var claims = new Dictionary<string, object>
            {
                ["sub"] = grant.User, ["preferred_username"] = grant.User, ["roles"] = grant.Roles,
            };
            if (grant.Nonce is not null) claims["nonce"] = grant.Nonce;
            var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = IssuerText, Audience = ClientId, IssuedAt = now, NotBefore = now, Expires = now.AddMinutes(10), Claims = claims,
                SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
            });
            return Results.Json(new { id_token = token, access_token = Guid.NewGuid().ToString("N"), token_type = "Bearer", expires_in = 600 });
        });
    }

    public string IssuerText => Issuer.GetLeftPart(UriPartial.Authority);

    public static async Task<FakeIdentityProvider> StartAsync()
    {
        var idp = new FakeIdentityProvider();
        await idp.app.StartAsync();
        idp.Issuer = new Uri(idp.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return idp;
    }

    /// <summary>The app's arguments that make it sign users in here.</summary>
    public string[] AppArguments =>
    [
        $"--Authentication:Authority={IssuerText}", $"--Authentication:ClientId={ClientId}", "--Authentication:ClientSecret=not-checked",
        "--Authentication:RequireHttpsMetadata=false",
    ];

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        key.Rsa.Dispose();
    }
}
