using System.Threading.RateLimiting;
using Calico.Wizard.Features.CreateCluster;
using Microsoft.Extensions.Options;

namespace Calico.Wizard.Features.Operations;

/// <summary>
/// Every open wizard tab holds a circuit (a WebSocket to /_blazor and the tab's state in this process's memory):
/// one client — a signed-in operator, or an address when sign-in is off — may hold at most
/// <see cref="WizardOptions.MaxCircuitsPerClient"/> at once. A concurrency limiter per client (System.Threading.
/// RateLimiting) holds a permit for as long as the circuit's WebSocket is open; one more is refused with 429 and
/// the page, prerendered before it tries, says why (<see cref="IsFull"/>). A paused tab has closed its WebSocket
/// and holds none.
/// </summary>
public sealed class CircuitLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter;

    public CircuitLimits(IOptions<WizardOptions> options)
    {
        var max = options.Value.MaxCircuitsPerClient;
        Max = max;
        limiter = PartitionedRateLimiter.Create<string, string>(client => max <= 0
            ? RateLimitPartition.GetNoLimiter(client)
            : RateLimitPartition.GetConcurrencyLimiter(client, _ => new ConcurrencyLimiterOptions { PermitLimit = max, QueueLimit = 0 }));
    }

    public int Max { get; }

    /// <summary>Who a circuit belongs to: the signed-in operator, else the peer's address (loopback-only without sign-in).</summary>
    public static string ClientOf(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { } name } ? $"user:{name}" : $"address:{context.Connection.RemoteIpAddress}";

    /// <summary>Whether the client already holds every circuit it may: the page says so instead of a wizard that never connects.</summary>
    public bool IsFull(HttpContext context) => Max > 0 && limiter.GetStatistics(ClientOf(context))?.CurrentAvailablePermits == 0;

    public const string Message = "This browser already has the most wizard tabs open that the server allows for one operator: " +
        "close one of them (or let it pause), then reload this page.";

    /// <summary>A permit for one more circuit of this client, held until disposed; not acquired when it holds every one it may.</summary>
    public ValueTask<RateLimitLease> EnterAsync(HttpContext context) => limiter.AcquireAsync(ClientOf(context), 1, context.RequestAborted);

    /// <summary>A circuit's connection: the WebSocket upgrade of Blazor's hub (HTTP/1.1 Upgrade; HTTP/2's extended CONNECT).</summary>
    public static bool IsCircuitSocket(HttpRequest request) =>
        request.Path.StartsWithSegments("/_blazor")
        && (request.Headers.Upgrade.Any(u => string.Equals(u, "websocket", StringComparison.OrdinalIgnoreCase)) || HttpMethods.IsConnect(request.Method));

    public void Dispose() => limiter.Dispose();
}

public static class CircuitLimitsExtensions
{
    public static IServiceCollection AddCircuitLimits(this IServiceCollection services) => services.AddSingleton<CircuitLimits>();

    /// <summary>Holds a permit for each circuit's WebSocket while it is open; refuses one more with 429.</summary>
    public static void UseCircuitLimits(this WebApplication app) => app.Use(async (context, next) =>
    {
        if (!CircuitLimits.IsCircuitSocket(context.Request)) { await next(context); return; }
        var limits = context.RequestServices.GetRequiredService<CircuitLimits>();
        using var permit = await limits.EnterAsync(context);
        if (!permit.IsAcquired)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many open wizard tabs",
                detail: $"{CircuitLimits.Message} (at most {limits.Max}: Wizard:MaxCircuitsPerClient)").ExecuteAsync(context);
            return;
        }
        await next(context); // the WebSocket's whole life
    });
}
