using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;

namespace Calico.Wizard.Features.Operations;

/// <summary>
/// Who may talk to the app at all, decided per request before anything else runs:
/// <list type="bullet">
/// <item>the Host header must be one the app serves (without sign-in: the loopback names, so a DNS-rebinding page on
/// another name cannot drive it); /healthz and /readyz answer any Host, as probes use the pod's IP;</item>
/// <item>without sign-in, only loopback peers — whatever addresses Kestrel was told to bind;</item>
/// <item>a browser may change state (POST, PUT, PATCH, DELETE, and any request to Blazor's /_blazor hub, its
/// WebSocket upgrade included) only from the app's own pages: another origin's Origin or Sec-Fetch-Site is refused
/// (scripts without a browser send neither);</item>
/// <item>every response carries a content security policy and sends no referrer.</item>
/// </list>
/// </summary>
public static class RequestGuards
{
    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>Blazor and MudBlazor need inline styles; nothing needs inline or foreign scripts.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";

    public static void AddRequestGuards(this WebApplicationBuilder builder)
    {
        // The framework's host filter would refuse health probes too: the guard below applies the same setting, with that exception.
        builder.Services.PostConfigure<HostFilteringOptions>(o => o.AllowedHosts = ["*"]);
    }

    public static void UseRequestGuards(this WebApplication app)
    {
        var signIn = app.Services.GetRequiredService<SignInOptions>();
        var configured = (app.Configuration["AllowedHosts"] ?? "*").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var hosts = configured.Contains("*") ? (signIn.Enabled ? null : LoopbackHosts) : configured;
        var frameAncestors = $"frame-ancestors {app.Services.FrameAncestors()}";
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RequestGuards));

        if (!signIn.Enabled && !signIn.AllowAnonymousOnNetwork)
            app.Lifetime.ApplicationStarted.Register(() => RefuseBoundBeyondLoopback(app, logger));

        app.Use(async (context, next) =>
        {
            var response = context.Response;
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers["Referrer-Policy"] = "no-referrer";
            response.Headers.Append("Content-Security-Policy", ContentSecurityPolicy);
            response.OnStarting(() =>
            {
                // Blazor's interactive pages set their own frame-ancestors (from the same allow-list); every other response gets it here.
                if (!response.Headers.ContentSecurityPolicy.Any(p => p?.Contains("frame-ancestors", StringComparison.Ordinal) == true))
                    response.Headers.Append("Content-Security-Policy", frameAncestors);
                return Task.CompletedTask;
            });

            var path = context.Request.Path;
            if (path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz")) { await next(context); return; }

            if (hosts is not null && !hosts.Any(h => HostMatches(h, context.Request.Host)))
            {
                await RefuseAsync(context, StatusCodes.Status400BadRequest, "Unknown host",
                    "This app answers only on the host names it is configured for (AllowedHosts); without sign-in, only on localhost.");
                return;
            }
            if (!signIn.Enabled && !signIn.AllowAnonymousOnNetwork && context.Connection.RemoteIpAddress is { } peer && !IPAddress.IsLoopback(peer))
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, "Loopback only",
                    "Without sign-in the wizard serves this machine only. Configure Authentication:Authority to open it to the network.");
                return;
            }
            // A circuit changes state like a POST (every click and key), and its WebSocket upgrade is a GET: judged the same.
            if ((IsStateChanging(context.Request.Method) || path.StartsWithSegments("/_blazor")) && CrossOrigin(context.Request) && !IsSignInCallback(path))
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, "Cross-origin request refused",
                    "State can be changed only from the wizard's own pages or by a script, not by another site's page.");
                return;
            }
            await next(context);
        });
    }

    /// <summary>The identity provider posts the sign-in back from its own origin (form_post); the handler checks its state and nonce.</summary>
    private static bool IsSignInCallback(PathString path) =>
        path.StartsWithSegments("/signin-oidc") || path.StartsWithSegments("/signout-callback-oidc");

    private static bool IsStateChanging(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    /// <summary>A browser says where a request comes from; a request without these headers is not a browser's.</summary>
    private static bool CrossOrigin(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none")) return true;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return false;
        // A browser leaves a default port out of Origin and Host alike (https://host, Host: host): compare ports as numbers.
        return !Uri.TryCreate(origin, UriKind.Absolute, out var o)
            || !string.Equals(o.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(new HostString(o.Host, o.Port).Value,
                new HostString(request.Host.Host, request.Host.Port ?? (request.IsHttps ? 443 : 80)).Value, StringComparison.OrdinalIgnoreCase);
    }

    private static bool HostMatches(string allowed, HostString host) =>
        string.Equals(allowed, host.Host, StringComparison.OrdinalIgnoreCase)
        || (allowed.StartsWith("*.", StringComparison.Ordinal) && host.Host.EndsWith(allowed[1..], StringComparison.OrdinalIgnoreCase));

    private static Task RefuseAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return Results.Problem(title: title, detail: detail, statusCode: status).ExecuteAsync(context);
    }

    /// <summary>What Kestrel actually bound (any configuration source can name an address): stop rather than serve the network unguarded.</summary>
    private static void RefuseBoundBeyondLoopback(WebApplication app, ILogger logger)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var open = addresses.Where(a => !SignIn.IsLoopback(a)).ToArray();
        if (open.Length == 0) return;
        logger.LogCritical("Refusing to serve {Addresses} without sign-in: configure Authentication:Authority, listen on 127.0.0.1 only, " +
            "or set Authentication:AllowAnonymousOnNetwork=true behind your own gate", string.Join(", ", open));
        Environment.ExitCode = 1;
        app.Lifetime.StopApplication();
    }
}
