using System.Text.Json;
using System.Text.Json.Serialization;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Input;
using Calico.Wizard.Core.Providers;
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

        MapNetworkEndpoints(api);

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
                ? Results.Created($"/clusters/{id}", new
                {
                    clusterId = id,
                    // what each "suggest" became, and why
                    suggested = (result.Suggested ?? []).Select(s => new { field = DraftFields.Find(s.Field)!.Key, cidr = s.Suggestion.Cidr?.ToString(), reason = s.Suggestion.Reason }),
                })
                : Results.ValidationProblem(Problems(result.Check), statusCode: StatusCodes.Status422UnprocessableEntity, title: "The cluster breaks the rules");
        }).DisableAntiforgery().RequireAuthorization(SignIn.OperatorPolicy)
          .WithMetadata(new RequestSizeLimitAttribute(InputLimits.MaxRequestBytes));
    }

    /// <summary>
    /// Address planning for automation: a free range (<c>/free</c>) sized like the wizard's Suggest, and the address map
    /// (<c>/map</c>) the wizard draws. Reads only; every query value is bounded and parsed before use.
    /// </summary>
    private static void MapNetworkEndpoints(RouteGroupBuilder api)
    {
        var networks = api.MapGroup("/networks/{provider}/{network}");

        networks.MapGet("/free", async (string provider, string network, HttpRequest request, RangePlanner planner, ProviderMatrix matrix, CancellationToken ct) =>
        {
            if (NetworkProblem(provider, network, matrix) is { } problem) return problem;
            var query = request.Query;
            var kind = query["kind"].ToString().ToLowerInvariant() switch
            {
                "containers" => (RangeKind?)RangeKind.Containers,
                "services" => RangeKind.Services,
                _ => null,
            };
            if (kind is null) return BadQuery("kind", "kind must be containers or services.");
            var familyText = query["family"].ToString();
            NetworkStack? family = familyText.Length == 0 || familyText.Equals("IPv4", StringComparison.OrdinalIgnoreCase) ? NetworkStack.IPv4
                : familyText.Equals("IPv6", StringComparison.OrdinalIgnoreCase) ? NetworkStack.IPv6 : null;
            if (family is not { } f) return BadQuery("family", "family must be IPv4 (the default) or IPv6.");
            var nodes = WholeNumber.Parse(query["nodes"].ToString() is { Length: > 0 } n ? n : "1", 1, ClusterDraftValidator.MaxNodes, " nodes");
            if (!nodes.Ok) return BadQuery("nodes", $"nodes: {nodes.Error}");
            var (min, max) = BlockCapacity.Range(f);
            var block = WholeNumber.Parse(query["blockSize"].ToString() is { Length: > 0 } b ? b : Defaults.For(f).BlockSize, min, max, "");
            if (!block.Ok) return BadQuery("blockSize", $"blockSize: {block.Error} (the {f} block size; leave it out for {Defaults.For(f).BlockSize}).");
            var avoid = NodeNetworkRule.Parse(query["avoid"].ToString(), NetworkStack.DualStack);
            if (avoid.Error is { } avoidError) return BadQuery("avoid", $"avoid (comma-separated CIDRs to keep clear of, e.g. the node network): {avoidError}");
            var suggestion = await planner.SuggestAsync(new SuggestRequest(provider, network, kind.Value, f, nodes.Value, block.Value, avoid.Networks), ct);
            return suggestion.Cidr is { } cidr
                ? Results.Ok(new { cidr = cidr.ToString(), reason = suggestion.Reason })
                : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Nothing fits", detail: suggestion.Reason);
        });

        networks.MapGet("/map", async (string provider, string network, IClusterRegistry registry, ProviderMatrix matrix, CancellationToken ct) =>
        {
            if (NetworkProblem(provider, network, matrix) is { } problem) return problem;
            var option = matrix.Find(provider)!;
            var map = AddressMap.Build(network.Trim(), matrix.AddressSpacesOf(option), await registry.UsageAsync(option.Name, network.Trim(), ct), [], []);
            return Results.Ok(new
            {
                provider = option.Name,
                network = map.Network,
                spaces = matrix.AddressSpacesOf(option).Select(s => s.ToString()),
                bars = map.Bars.Select(b => new
                {
                    space = b.Space, domain = b.Domain.ToString(), first = b.FirstAddress, last = b.LastAddress, ranges = b.Ranges,
                    segments = b.Segments.Select(g => new { x = Math.Round(g.X, 3), width = Math.Round(g.Width, 3), kind = g.Kind.ToString(), label = g.Label, count = g.Count }),
                }),
                rows = map.Rows.Select(r => new { cidr = r.Cidr, holder = r.Holder, what = r.What, kind = r.Kind.ToString() }),
                totalRows = map.TotalRows,
            });
        });
    }

    private static IResult? NetworkProblem(string provider, string network, ProviderMatrix matrix)
    {
        if (matrix.Find(provider) is not { } option)
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown provider",
                detail: $"The providers are {string.Join(", ", matrix.Providers.Select(p => p.Name))}.");
        return matrix.IsNetworkName(option, network.Trim()) ? null
            : BadQuery("network", $"Not a valid {option.NetworkLabel}: expected something like {option.NetworkExample}.");
    }

    private static IResult BadQuery(string key, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [key] = [message] }, title: "The request cannot be answered");

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
