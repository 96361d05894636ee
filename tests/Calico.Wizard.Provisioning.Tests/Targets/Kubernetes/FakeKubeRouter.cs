using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>
/// The fake's HTTP side: Kestrel on 127.0.0.1 (a random port). Each request is recorded as it arrives, then checked
/// for the token, then answered by a fault that takes it or dispatched: /version, SelfSubjectAccessReviews, reads,
/// lists, watches and server-side apply, which is decoded and checked here as a real API server does before
/// admission judges it and the store merges it.
/// </summary>
internal sealed class FakeKubeRouter : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string token;
    private readonly FakeJournal journal;
    private readonly FakeFaults faults;
    private readonly FakeObjectStore store;
    private readonly FakeAdmission admission;
    private readonly FakeWatches watches;
    private readonly FakeControllers controllers;

    public FakeKubeRouter(string token, FakeJournal journal, FakeFaults faults, FakeObjectStore store, FakeAdmission admission,
        FakeWatches watches, FakeControllers controllers)
    {
        this.token = token;
        this.journal = journal;
        this.faults = faults;
        this.store = store;
        this.admission = admission;
        this.watches = watches;
        this.controllers = controllers;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        app = builder.Build();
        app.Run(HandleAsync);
    }

    /// <summary>Starts listening; the address it listens on (http://127.0.0.1:PORT).</summary>
    public async Task<Uri> StartAsync()
    {
        await app.StartAsync();
        return new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var http = ctx.Request;
        string body;
        using (var reader = new StreamReader(http.Body, Encoding.UTF8)) body = await reader.ReadToEndAsync(ctx.RequestAborted);
        var request = journal.Record(seq => new KubeRequest
        {
            Seq = seq,
            Method = http.Method,
            Path = http.Path.Value ?? "/",
            Query = http.QueryString.Value ?? "",
            QueryValues = http.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            ContentType = http.ContentType,
            Body = body,
            Authorization = http.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null,
            At = DateTimeOffset.UtcNow,
        });
        var fault = faults.Match(request);
        journal.Changed();
        try
        {
            await RouteAsync(ctx, request, fault);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && ctx.RequestAborted.IsCancellationRequested)
        {
            // the client went away (a cancelled watch): nothing left to answer
        }
    }

    private async Task RouteAsync(HttpContext ctx, KubeRequest r, FaultAnswer? fault)
    {
        if (faults.RejectToken || r.Authorization != $"Bearer {token}")
        {
            await FakeResponses.StatusAsync(ctx, r, HttpStatusCode.Unauthorized, "Unauthorized", faults.UnauthorizedMessage(r.Authorization ?? ""));
            return;
        }
        if (fault is not null)
        {
            await fault(ctx, r);
            return;
        }
        if (r.Method == "GET" && r.Path.TrimEnd('/') == "/version")
        {
            await FakeResponses.JsonAsync(ctx, r, HttpStatusCode.OK, new JsonObject
            {
                ["major"] = "1",
                ["minor"] = "31",
                ["gitVersion"] = "v1.31.2-fake",
                ["platform"] = "linux/amd64",
            });
            return;
        }
        if (r.Method == "POST" && r.Path == FakeKubeApi.AccessReviewsPath)
        {
            await AccessReviewAsync(ctx, r);
            return;
        }
        var p = ApiPath.Parse(r.Path);
        if (p is null)
        {
            await FakeResponses.StatusAsync(ctx, r, HttpStatusCode.NotFound, "NotFound",
                $"the server could not find the requested resource ({r.Method} {r.Path})");
            return;
        }
        switch (r.Method)
        {
            case "PATCH" when p.Name is not null:
                await ApplyAsync(ctx, r, p);
                return;
            case "GET" when p.Name is null && r.IsWatch:
                await watches.ServeAsync(ctx, r, p, store);
                return;
            case "GET" when p.Name is null:
                await ListAsync(ctx, r, p);
                return;
            case "GET":
                var found = store.Get(p.ObjectPath);
                if (found is null) await FakeResponses.StatusAsync(ctx, r, HttpStatusCode.NotFound, "NotFound", $"{p.Resource} \"{p.Name}\" not found");
                else await FakeResponses.JsonAsync(ctx, r, HttpStatusCode.OK, found);
                return;
            default:
                await FakeResponses.StatusAsync(ctx, r, HttpStatusCode.MethodNotAllowed, "MethodNotAllowed",
                    $"the fake API server does not implement {r.Method} {r.Path}");
                return;
        }
    }

    private async Task ApplyAsync(HttpContext ctx, KubeRequest r, ApiPath p)
    {
        // A real API server refuses an apply it cannot recognise as one.
        if (!MediaTypeHeaderValue.TryParse(r.ContentType, out var mediaType) || mediaType.MediaType != FakeKubeApi.ApplyPatchContentType)
        {
            await FakeResponses.StatusAsync(ctx, r, HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType",
                $"the body of the request was in an unknown format ({r.ContentType ?? "none"}) - accepted media types include: " +
                "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (the fake implements apply only)");
            return;
        }
        if (string.IsNullOrEmpty(r.Q("fieldManager")))
        {
            await FakeResponses.StatusAsync(ctx, r, HttpStatusCode.UnprocessableEntity, "Invalid",
                "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
            return;
        }
        if (ParseDocument(r.Body) is not { } applied)
        {
            await FakeResponses.StatusAsync(ctx, r, HttpStatusCode.BadRequest, "BadRequest", "error decoding YAML: the body is not one JSON or YAML object");
            return;
        }
        if (IdentityProblem(p, applied) is { } problem)
        {
            await FakeResponses.StatusAsync(ctx, r, HttpStatusCode.BadRequest, "BadRequest", problem);
            return;
        }
        var verdict = admission.Admit(p, r, applied);
        if (verdict.Warnings.Length > 0) ctx.Response.Headers.Append("Warning", verdict.Warnings);
        if (verdict.Refusal is { } refusal)
        {
            await FakeResponses.JsonAsync(ctx, r, refusal.Code, refusal.Status);
            return;
        }
        var outcome = store.Apply(p, r.Q("fieldManager")!, applied, r.IsDryRun);
        if (!r.IsDryRun && outcome.Changed) controllers.AfterApply(p, outcome.SpecChanged);
        await FakeResponses.JsonAsync(ctx, r, outcome.Created ? HttpStatusCode.Created : HttpStatusCode.OK, outcome.Object);
    }

    /// <summary>Why the body is not the object the URL names (apiVersion, kind, name, namespace), in the API server's words; null when it is.</summary>
    private static string? IdentityProblem(ApiPath p, JsonObject applied)
    {
        var metadata = applied["metadata"];
        return (applied["apiVersion"]?.GetValue<string>(), applied["kind"]?.GetValue<string>(),
            metadata?["name"]?.GetValue<string>(), metadata?["namespace"]?.GetValue<string>()) switch
        {
            (null, _, _, _) or (_, null, _, _) => "apiVersion and kind must be set",
            (var v, _, _, _) when v != p.GroupVersion => $"the API version in the data ({v}) does not match the expected API version ({p.GroupVersion})",
            (_, _, var n, _) when n != p.Name => $"the name of the object ({n}) does not match the name on the URL ({p.Name})",
            (_, _, _, { } ns) when ns != p.Namespace =>
                $"the namespace of the provided object ({ns}) does not match the namespace sent on the request ({p.Namespace})",
            _ => null,
        };
    }

    private async Task ListAsync(HttpContext ctx, KubeRequest r, ApiPath p)
    {
        var (items, rv) = store.List(p);
        var kind = items.FirstOrDefault()?["kind"]?.GetValue<string>() ?? "Object";
        await FakeResponses.JsonAsync(ctx, r, HttpStatusCode.OK, new JsonObject
        {
            ["apiVersion"] = p.GroupVersion,
            ["kind"] = kind + "List",
            ["metadata"] = new JsonObject { ["resourceVersion"] = rv },
            ["items"] = items,
        });
    }

    private async Task AccessReviewAsync(HttpContext ctx, KubeRequest r)
    {
        if (ParseDocument(r.Body) is not { } review || review["spec"]?["resourceAttributes"] is not JsonObject attributes)
        {
            await FakeResponses.StatusAsync(ctx, r, HttpStatusCode.BadRequest, "BadRequest", "spec.resourceAttributes is required");
            return;
        }
        review["status"] = admission.ReviewStatus(attributes);
        review["metadata"] ??= new JsonObject();
        await FakeResponses.JsonAsync(ctx, r, HttpStatusCode.Created, review);
    }

    private static JsonObject? ParseDocument(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            // apply-patch+yaml may be YAML proper
        }
        try
        {
            var yaml = new YamlDotNet.Serialization.DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build().Deserialize<object>(body);
            return ToNode(yaml) as JsonObject;
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return null;
        }
    }

    private static JsonNode? ToNode(object? yaml) => yaml switch
    {
        null => null,
        IDictionary<object, object?> map =>
            new JsonObject(map.Select(kv => KeyValuePair.Create(Convert.ToString(kv.Key, CultureInfo.InvariantCulture)!, ToNode(kv.Value)))),
        IEnumerable<object?> list => new JsonArray([.. list.Select(ToNode)]),
        _ => JsonSerializer.SerializeToNode(yaml),
    };
}
