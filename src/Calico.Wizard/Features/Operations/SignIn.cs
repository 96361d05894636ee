using System.Net;
using System.Security.Claims;
using Calico.Wizard.Store;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;

namespace Calico.Wizard.Features.Operations;

/// <summary>The "Authentication" section: OpenID Connect when an authority is set.</summary>
public sealed class SignInOptions
{
    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    public List<string> Scopes { get; set; } = ["openid", "profile", "email"];
    /// <summary>The claim that carries roles in the identity provider's tokens.</summary>
    public string RoleClaim { get; set; } = "roles";
    /// <summary>Only users with this role may provision (submit, retry, cancel, run again).</summary>
    public string OperatorRole { get; set; } = "calico-operator";
    /// <summary>Without sign-in the app listens on loopback only, unless this says otherwise.</summary>
    public bool AllowAnonymousOnNetwork { get; set; }
    /// <summary>Identity providers on plain http (a lab or a test); never in production.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}

public static class SignIn
{
    public const string OperatorPolicy = "Operator";

    public static void AddSignIn(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Authentication").Get<SignInOptions>() ?? new SignInOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<OperatorIdentity>();
        if (!options.Enabled)
        {
            RefuseNetworkWithoutSignIn(builder, options);
            builder.Services.AddAuthentication();
            // loopback only: the machine's user is the operator
            builder.Services.AddAuthorizationBuilder().AddPolicy(OperatorPolicy, p => p.RequireAssertion(_ => true));
            return;
        }
        // An embedded wizard is a third-party frame: its cookies must be SameSite=None, which browsers accept only
        // with Secure, i.e. over https. Over plain http (loopback labs, tests) they fall back to Lax.
        builder.Services.Configure<CookiePolicyOptions>(o =>
        {
            o.Secure = CookieSecurePolicy.SameAsRequest;
            o.OnAppendCookie = c =>
            {
                if (c.CookieOptions.SameSite == SameSiteMode.None && !c.Context.Request.IsHttps) c.CookieOptions.SameSite = SameSiteMode.Lax;
            };
        });
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                o.Cookie.SameSite = SameSiteMode.None; // the embedded wizard is a third-party frame
                o.Events.OnRedirectToAccessDenied = c => ApiStatus(c.HttpContext, StatusCodes.Status403Forbidden, () => c.Response.Redirect(c.RedirectUri));
            })
            .AddOpenIdConnect(o =>
            {
                o.Authority = options.Authority;
                o.ClientId = options.ClientId;
                o.ClientSecret = options.ClientSecret;
                o.ResponseType = "code";
                o.UsePkce = true;
                o.SaveTokens = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.RequireHttpsMetadata = options.RequireHttpsMetadata;
                o.MapInboundClaims = false;
                o.TokenValidationParameters.NameClaimType = "preferred_username";
                o.TokenValidationParameters.RoleClaimType = options.RoleClaim;
                o.Scope.Clear();
                foreach (var scope in options.Scopes) o.Scope.Add(scope);
                // A script calling the API is told 401, not sent to a login page it cannot use.
                o.Events.OnRedirectToIdentityProvider = c =>
                {
                    if (c.Request.Path.StartsWithSegments("/api")) { c.Response.StatusCode = StatusCodes.Status401Unauthorized; c.HandleResponse(); }
                    return Task.CompletedTask;
                };
            });
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(OperatorPolicy, p => p.RequireAuthenticatedUser().RequireRole(options.OperatorRole));
    }

    /// <summary>Sign-in and sign-out; health endpoints stay anonymous.</summary>
    public static void MapSignIn(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<SignInOptions>().Enabled) return;
        app.MapGet("/signin", (string? returnUrl) => Results.Challenge(new AuthenticationProperties { RedirectUri = SafeReturn(returnUrl) }));
        app.MapGet("/signout", () => Results.SignOut(new AuthenticationProperties { RedirectUri = "/" },
            [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]));
    }

    /// <summary>Only a path on this app: "//host", "/\\host" and anything with a scheme or control characters go home instead.</summary>
    internal static string SafeReturn(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || url[1] is not ('/' or '\\')) && !url.Any(char.IsControl)
            && Uri.TryCreate(url, UriKind.Relative, out _) ? url : "/";

    private static Task ApiStatus(HttpContext context, int status, Action otherwise)
    {
        if (context.Request.Path.StartsWithSegments("/api")) context.Response.StatusCode = status;
        else otherwise();
        return Task.CompletedTask;
    }

    private static void RefuseNetworkWithoutSignIn(WebApplicationBuilder builder, SignInOptions options)
    {
        if (options.AllowAnonymousOnNetwork) return;
        var urls = (builder.Configuration["urls"] ?? builder.Configuration["Urls"] ?? "http://127.0.0.1:5000")
            .Split(';', StringSplitOptions.RemoveEmptyEntries);
        var open = urls.Where(u => !IsLoopback(u)).ToArray();
        if (open.Length > 0)
            throw new InvalidOperationException(
                $"Refusing to listen on {string.Join(", ", open)} without sign-in: anyone who can reach it could provision clusters. " +
                "Configure Authentication:Authority (OpenID Connect), listen on 127.0.0.1 only, " +
                "or set Authentication:AllowAnonymousOnNetwork=true behind your own gate.");
    }

    internal static bool IsLoopback(string url)
    {
        var host = url.Replace("://+", "://0.0.0.0").Replace("://*", "://0.0.0.0");
        if (!Uri.TryCreate(host, UriKind.Absolute, out var uri)) return false;
        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}

/// <summary>The signed-in operator as the audit trail names them, and whether they may provision.</summary>
public sealed class OperatorIdentity(AuthenticationStateProvider auth, IAuthorizationService authorization)
{
    public async Task<string> NameAsync() => Name((await auth.GetAuthenticationStateAsync()).User);

    public async Task<bool> CanProvisionAsync() =>
        (await authorization.AuthorizeAsync((await auth.GetAuthenticationStateAsync()).User, SignIn.OperatorPolicy)).Succeeded;

    public static string Name(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true } id
            ? id.Name ?? user.FindFirst("email")?.Value ?? user.FindFirst("sub")?.Value ?? "signed-in user"
            : Actor.Anonymous;
}
