using System.Text.Json;
using System.Text.Json.Serialization;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Input;
using Microsoft.AspNetCore.Mvc;
using static System.FormattableString;
using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Features.Operations;
using Calico.Wizard.Provisioning.Jobs;
using Calico.Wizard.Store;

namespace Calico.Wizard;

/// <summary>Downloads, and the submission API that answers with the same rules and messages as the wizard.</summary>
public static class WizardEndpoints
{
    private const string Yaml = "application/yaml; charset=utf-8";

    public static void MapWizardEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api");

        api.MapGet("/drafts/{id:guid}/manifests.yaml", async (Guid id, DraftStore drafts, ClusterRules rules, CancellationToken ct) =>
        {
            if (await drafts.LoadAsync(id, ct) is not { } saved) return Results.NotFound();
            var check = await rules.CheckAsync(saved.Draft, ct);
            return check.Spec is { } spec
                ? Results.Text(ManifestRenderer.ToYaml(spec), Yaml)
                : Results.UnprocessableEntity(Problems(check));
        });

        api.MapGet("/drafts/{id:guid}/spec.yaml", async (Guid id, DraftStore drafts, HttpContext http, CancellationToken ct) =>
        {
            if (await drafts.LoadAsync(id, ct) is not { } saved) return Results.NotFound();
            var name = saved.Draft.Name.Length > 0 && Core.Rules.HostName.CheckDns1123Label(saved.Draft.Name, "") is null ? saved.Draft.Name : "cluster";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}-spec.yaml\"";
            return Results.Text(DraftFile.Write(saved.Draft), Yaml);
        });

        api.MapGet("/clusters/{id:guid}", async (Guid id, ClusterQueries clusters, CancellationToken ct) =>
            await clusters.GetAsync(id, ct) is { } view
                ? Results.Ok(new
                {
                    id = view.Id,
                    name = view.Name,
                    job = view.Job is not { } job ? null : new
                    {
                        id = job.Id, state = job.State.ToString(), target = job.Target, error = job.Error, leaseOwner = job.LeaseOwner,
                        steps = job.Steps.Select(s => new { name = s.Name, state = s.State.ToString(), message = s.Message }),
                        log = job.Log.Select(l => new { at = l.At, message = l.Message }),
                    },
                })
                : Results.NotFound());

        api.MapGet("/clusters/{id:guid}/manifests.yaml", async (Guid id, ClusterQueries clusters, HttpContext http, CancellationToken ct) =>
        {
            if (await clusters.GetAsync(id, ct) is not { Job.ManifestYaml: { } yaml } view) return Results.NotFound();
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{view.FileName}\"";
            return Results.Text(yaml, Yaml);
        });

        // The same hand-off as the wizard's "Create cluster": every rule is checked here, whatever the caller sent.
        api.MapPost("/clusters", async (HttpRequest request, ClusterSubmission submission, CancellationToken ct) =>
        {
            if (!request.HasJsonContentType())
                return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send the draft as JSON",
                    detail: "Content-Type must be application/json.");
            ClusterDraft? draft;
            try
            {
                draft = await request.ReadFromJsonAsync<ClusterDraft>(ApiJson.Options, ct);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Results.Problem(statusCode: e.StatusCode, title: "The draft is too large",
                    detail: Invariant($"A draft is at most {InputLimits.MaxRequestBytes / 1024:N0} KB ({InputLimits.MaxPolicies} policies of {InputLimits.MaxPolicyBytes / 1024} KB each at most)."));
            }
            catch (JsonException e)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The draft cannot be read", detail: ApiJson.Describe(e));
            }
            if (draft is null)
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The draft cannot be read", detail: "The body is empty: send the draft as a JSON object.");
            if (draft.Id == Guid.Empty)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["id"] = ["id: leave it out (the server issues one) or send a new GUID; the empty GUID is nobody's draft."] },
                    statusCode: StatusCodes.Status422UnprocessableEntity, title: "The cluster breaks the rules");

            var result = await submission.SubmitAsync(draft, OperatorIdentity.Name(request.HttpContext.User), ct);
            if (result.Forbidden is { } forbidden)
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Another operator's draft", detail: forbidden);
            if (result.Conflicts is { Count: > 0 } conflicts)
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "This draft id already made another cluster",
                    detail: $"Draft {draft.Id} was submitted before with a different {string.Join(", ", conflicts)}: leave the id out (or send a new one) for a new cluster.");
            return result.ClusterId is { } id
                ? Results.Created($"/clusters/{id}", new { clusterId = id })
                : Results.ValidationProblem(Problems(result.Check), statusCode: StatusCodes.Status422UnprocessableEntity, title: "The cluster breaks the rules");
        }).DisableAntiforgery().RequireAuthorization(SignIn.OperatorPolicy)
          .WithMetadata(new RequestSizeLimitAttribute(InputLimits.MaxRequestBytes));
    }

    private static Dictionary<string, string[]> Problems(DraftCheck check) =>
        check.Errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.Select(e => $"{DraftFields.LabelOf(g.Key)}: {e.ErrorMessage}").ToArray());
}

/// <summary>How the API reads a draft: enum names, and an unknown key is an error that names it (a typo must not pass silently).</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = InputLimits.MaxDepth,
    };

    public static string Describe(JsonException e)
    {
        var message = e.Message;
        // "The JSON property 'containerCidr' could not be mapped to any .NET member contained in type '…'."
        if (message.StartsWith("The JSON property '", StringComparison.Ordinal) && message.IndexOf('\'', 19) is var end and > 19)
            return $"Unknown key '{message[19..end]}': the keys are id, {string.Join(", ", DraftFields.All.Select(f => f.Key))}.";
        return $"The body is not a valid draft{(e.Path is { Length: > 0 } path ? $" (at {path})" : "")}: send JSON with the spec file's keys and string values for text fields.";
    }
}
