using Calico.Wizard.Core.Drafts;
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
        api.MapPost("/clusters", async (ClusterDraft draft, ClusterSubmission submission, HttpContext http, CancellationToken ct) =>
        {
            var result = await submission.SubmitAsync(draft, OperatorIdentity.Name(http.User), ct);
            return result.ClusterId is { } id
                ? Results.Created($"/clusters/{id}", new { clusterId = id })
                : Results.UnprocessableEntity(Problems(result.Check));
        }).DisableAntiforgery().RequireAuthorization(SignIn.OperatorPolicy);
    }

    private static object Problems(DraftCheck check) => new
    {
        title = "The cluster breaks the rules",
        errors = check.Errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.Select(e => $"{DraftFields.LabelOf(g.Key)}: {e.ErrorMessage}").ToArray()),
    };
}
