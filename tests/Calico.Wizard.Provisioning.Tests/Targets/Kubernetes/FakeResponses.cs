using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>
/// How every part of the fake answers: JSON, and a failure as the API server's Status object (what the client turns
/// into the message the target quotes), with the status also written on the request's record.
/// </summary>
internal static class FakeResponses
{
    public static async Task JsonAsync(HttpContext ctx, KubeRequest r, HttpStatusCode status, JsonNode body)
    {
        r.Status = (int)status;
        ctx.Response.StatusCode = (int)status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body.ToJsonString());
    }

    public static Task StatusAsync(HttpContext ctx, KubeRequest r, HttpStatusCode status, string reason, string message) =>
        JsonAsync(ctx, r, status, Status(status, reason, message));

    /// <summary>A Status of kind Failure; <paramref name="details"/> name the object and one cause per field (422 Invalid).</summary>
    public static JsonObject Status(HttpStatusCode status, string reason, string message, JsonObject? details = null)
    {
        var body = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null) body["details"] = details;
        body["code"] = (int)status;
        return body;
    }
}
