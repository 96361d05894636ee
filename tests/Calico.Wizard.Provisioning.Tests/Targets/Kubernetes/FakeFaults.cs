using System.Net;
using Microsoft.AspNetCore.Http;

namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>How a fault answers the one request it caught, in place of the fake's own handling.</summary>
internal delegate Task FaultAnswer(HttpContext ctx, KubeRequest request);

/// <summary>A per-request fault: how it answers <paramref name="request"/>, or null to let the request through.</summary>
internal delegate FaultAnswer? FaultRule(KubeRequest request);

/// <summary>
/// What the fake does wrong on purpose, so a test can show the target copes: a token it stops accepting (and what
/// its 401 says), watches cut short, and per-request rules. Each request meets the rules once, as it arrives, in the
/// order they were added; the first that answers takes the request over after the token check. A new kind of fault
/// is one more rule here, not another branch in routing.
/// </summary>
internal sealed class FakeFaults
{
    private readonly Lock gate = new();
    private readonly List<FaultRule> rules = [];

    /// <summary>Answers 401 to everything, as a server that does not know the token.</summary>
    public bool RejectToken { get; set; }

    /// <summary>The message of a 401, given the Authorization header received: a server or proxy that echoes it is what the scrubbing is for.</summary>
    public Func<string, string> UnauthorizedMessage { get; set; } = _ => "Unauthorized";

    /// <summary>Watches end right after their initial events, as behind a proxy that cuts long requests.</summary>
    public bool WatchesEndAtOnce { get; set; }

    /// <summary>Adds a rule that every later request meets. Rules run one request at a time, so a rule may keep a count without a lock.</summary>
    public void Add(FaultRule rule)
    {
        lock (gate) rules.Add(rule);
    }

    /// <summary>How the first rule that takes <paramref name="request"/> answers it, or null: the fake serves it.</summary>
    public FaultAnswer? Match(KubeRequest request)
    {
        lock (gate)
        {
            foreach (var rule in rules)
                if (rule(request) is { } answer) return answer;
            return null;
        }
    }

    /// <summary>
    /// The next <paramref name="times"/> requests with <paramref name="method"/> to exactly <paramref name="path"/> answer
    /// <paramref name="status"/> (429 with Retry-After: 1); dry runs (dryRun=All) only when <paramref name="dryRun"/>.
    /// </summary>
    public void FailNext(string method, string path, int times, HttpStatusCode status, bool dryRun)
    {
        var left = times;
        Add(request =>
        {
            if (left <= 0 || request.Method != method || request.Path != path || request.IsDryRun != dryRun) return null;
            left--;
            return (ctx, r) => FailAsync(ctx, r, status);
        });
    }

    private static Task FailAsync(HttpContext ctx, KubeRequest r, HttpStatusCode status)
    {
        if (status == HttpStatusCode.TooManyRequests) ctx.Response.Headers.RetryAfter = "1";
        var reason = status switch
        {
            HttpStatusCode.TooManyRequests => "TooManyRequests",
            HttpStatusCode.Conflict => "Conflict",
            HttpStatusCode.ServiceUnavailable => "ServiceUnavailable",
            HttpStatusCode.Forbidden => "Forbidden",
            _ => "InternalError",
        };
        return FakeResponses.StatusAsync(ctx, r, status, reason, $"injected failure: {(int)status} for {r.Method} {r.Path}");
    }
}
