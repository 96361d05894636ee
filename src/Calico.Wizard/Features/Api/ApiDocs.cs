using System.Text.Json.Nodes;
using Calico.Wizard.Core.Drafts;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Calico.Wizard.Features.Api;

/// <summary>
/// The API described by ASP.NET Core's own OpenAPI support (<c>/openapi/v1.json</c>) and shown by Scalar at
/// <c>/api/docs</c>, served from the app itself (no CDN, no fonts from elsewhere, no telemetry).
/// </summary>
public static class ApiDocs
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/api/docs";

    public static IServiceCollection AddApiDocs(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
        o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Calico Wizard API",
                Version = "v1",
                Description = "Create a cluster's Calico network from a draft, watch its provisioning, retry, cancel or run it again, " +
                              "and plan free address ranges. Every rule the wizard checks is checked here, with the same messages. " +
                              "Every error is a ProblemDetails body (RFC 9457); a rule broken answers 422 with errors per field. " +
                              "With sign-in on, creating and the job actions need the operator role.",
            };
            return Task.CompletedTask;
        });
        o.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonTypeInfo.Type == typeof(ClusterDraft)) DescribeDraft(schema);
            return Task.CompletedTask;
        });
        o.AddOperationTransformer(async (operation, context, ct) =>
        {
            if (context.Description.HttpMethod is "POST")
            {
                // the request guards' answers, the same for every state-changing request
                operation.Responses ??= [];
                operation.Responses.TryAdd("403",
                    Problem("Cross-origin request refused (a browser page of another site), or the operator role is missing when sign-in is on."));
            }
            if (operation.OperationId == "CreateCluster" && context.Document is { } document)
            {
                // The handler reads the body itself (to answer a wrong type, size or key with its own ProblemDetails), so
                // the body is described here: Accepts<T>() would also make routing refuse other content types with a bare 415.
                document.AddComponent(nameof(ClusterDraft), await context.GetOrCreateSchemaAsync(typeof(ClusterDraft), null, ct));
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new()
                        {
                            Schema = new OpenApiSchemaReference(nameof(ClusterDraft), document), Example = JsonNode.Parse(ExampleDraft),
                        },
                    },
                };
            }
        });
    });

    /// <summary>Where Scalar.AspNetCore serves its bundle (its own page there, which configures itself with an inline script, stays unlinked).</summary>
    private const string AssetsPath = ReferencePath + "/assets";

    public static void MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath);
        app.MapScalarApiReference(AssetsPath, o => o.WithOpenApiRoutePattern(DocumentPath).DisableDefaultFonts().DisableTelemetry());
        // The reference page itself: Scalar's bundle and the app's own configuration file, no inline script.
        app.MapGet(ReferencePath, () => Results.Content($$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8" />
              <meta name="viewport" content="width=device-width, initial-scale=1" />
              <title>Calico Wizard API</title>
              <link rel="icon" href="/favicon.svg" />
            </head>
            <body>
              <div id="app"></div>
              <script src="{{AssetsPath}}/scalar.js"></script>
              <script src="/api-docs.js"></script>
            </body>
            </html>
            """, "text/html; charset=utf-8")).ExcludeFromDescription();
    }

    /// <summary>A draft that passes every rule, as an automation would send it (every key is optional: the wizard's default stays).</summary>
    public const string ExampleDraft = """
        {
          "name": "edge-01",
          "provider": "BareOS",
          "machineKind": "Physical",
          "l2Network": "rack-a-vlan-120",
          "plannedNodes": "10",
          "target": "dry-run",
          "networkStack": "IPv4",
          "containersCidr": "suggest",
          "servicesCidr": "10.21.0.0/16",
          "backend": "Calico",
          "encapsulationMode": "Always",
          "natOutgoing": true,
          "blockSize": "26",
          "mtu": "1440",
          "nodeAddressDetection": "FirstFound"
        }
        """;

    /// <summary>The draft's keys carry the wizard's labels and the bounds the server holds them to.</summary>
    private static void DescribeDraft(OpenApiSchema schema)
    {
        if (schema.Properties is null) return;
        schema.Description = "A draft: the spec file's keys (Review → Download spec). Every key is optional; a range may say \"suggest\".";
        foreach (var (key, property) in schema.Properties)
        {
            if (property is not OpenApiSchema p) continue;
            if (key == "id")
            {
                p.Description = "Leave it out for a new cluster; posting the same id again answers the same cluster.";
                continue;
            }
            if (DraftFields.All.FirstOrDefault(f => f.Key == key) is not { } field) continue;
            p.Description = $"{field.Label} ({field.Step} step)."
                + (field.Aliases.Count > 0 ? $" Also read under its earlier key {string.Join(", ", field.Aliases)}." : "")
                + (field.CalicoOnly ? " Calico only." : "") + (field.Family == FieldFamily.DualStackIPv6 ? " Dual-stack only." : "")
                + (field.Use == FieldUse.Layout ? " The wizard's layout, not part of the cluster." : "");
            if (p.Type?.HasFlag(JsonSchemaType.String) == true && p.Enum is not { Count: > 0 }) p.MaxLength = field.MaxLength;
        }
    }

    private static OpenApiResponse Problem(string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() },
    };
}
