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
using Calico.Wizard.Features.Api;
using Calico.Wizard.Features.Operations;
using Calico.Wizard.Provisioning.Jobs;
using Calico.Wizard.Store;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard;

/// <summary>Downloads, and the submission API that answers with the same rules and messages as the wizard.</summary>
public static class WizardEndpoints
{
    private const string Yaml = "application/yaml; charset=utf-8";

    public static void MapWizardEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api");
        var drafts = api.MapGroup("/drafts").WithTags("Drafts");
        var clusters = api.MapGroup("/clusters").WithTags("Clusters");

        drafts.MapGet("/{id:guid}/manifests.yaml", async (Guid id, DraftStore store, ClusterRules rules, CancellationToken ct) =>
        {
            if (await store.LoadAsync(id, ct) is not { } saved) return NoDraft(id);
            // kept by the draft's content hash: a second GET of an unchanged draft asks only the registry
            var check = await rules.CheckAsync(saved.Draft, ct);
            if (check.Spec is null) return BrokenRules(check);
            return check.Manifest is { Yaml: { } yaml }
                ? Results.Text(yaml, Yaml)
                : BrokenRules(new DraftCheck([new FluentValidation.Results.ValidationFailure(nameof(ClusterDraft.NetworkPolicies), check.Manifest.Problem)]));
        }).WithName("DraftManifests").WithSummary("The manifests a saved draft would apply")
          .WithDescription("The Installation, IPPools and network policies exactly as the provisioner would apply them. " +
                           "A draft that breaks a rule answers 422 with each field's message.")
          .Produces<string>(StatusCodes.Status200OK, "application/yaml").ProducesProblem(StatusCodes.Status404NotFound)
          .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        drafts.MapGet("/{id:guid}/spec.yaml", async (Guid id, DraftStore store, HttpContext http, CancellationToken ct) =>
        {
            if (await store.LoadAsync(id, ct) is not { } saved) return NoDraft(id);
            var name = saved.Draft.Name.Length > 0 && Core.Rules.HostName.CheckDns1123Label(saved.Draft.Name, "") is null ? saved.Draft.Name : "cluster";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}-spec.yaml\"";
            return Results.Text(DraftFile.Write(saved.Draft), Yaml);
        }).WithName("DraftSpec").WithSummary("A saved draft as a spec file")
          .WithDescription("What Review's Download spec saves: the draft's fields as YAML, keys as in the POST body. The headless runner reads it back.")
          .Produces<string>(StatusCodes.Status200OK, "application/yaml").ProducesProblem(StatusCodes.Status404NotFound);

        clusters.MapGet("/", async (ClusterQueries queries, HttpRequest request, CancellationToken ct) =>
        {
            var query = ListQuery.Parse(request.Query);
            if (query.Error is { } error) return error;
            var page = await queries.PageAsync(query.Filter, query.Order, query.Skip, query.Take, ct);
            var next = query.Skip + page.Rows.Count < page.Total ? query.NextPage(request.Query) : null;
            return TypedResults.Ok(new ClusterListResource(page.Rows, page.Total, query.Skip, query.Take, next));
        }).WithName("ListClusters").WithSummary("List clusters, paged and filtered")
          .WithDescription(ListQuery.Description)
          .Produces<ClusterListResource>().ProducesValidationProblem();

        clusters.MapGet("/{id:guid}", async (Guid id, ClusterQueries queries, CancellationToken ct) =>
            await queries.GetAsync(id, ct) is { } view ? TypedResults.Ok(ClusterResource.Of(view)) : NoCluster(id))
          .WithName("GetCluster").WithSummary("A cluster, its newest job and its audit trail")
          .WithDescription("Poll it to watch provisioning: job.state goes Pending → Running → Succeeded, Failed or Cancelled; " +
                           "job.steps and job.log say what happened.")
          .Produces<ClusterResource>().ProducesProblem(StatusCodes.Status404NotFound);

        clusters.MapGet("/{id:guid}/manifests.yaml", async (Guid id, ClusterQueries queries, HttpContext http, CancellationToken ct) =>
        {
            if (await queries.GetAsync(id, ct) is not { Job.ManifestYaml: { } yaml } view) return NoCluster(id);
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{view.FileName}\"";
            return Results.Text(yaml, Yaml);
        }).WithName("ClusterManifests").WithSummary("The manifests a cluster's job applied")
          .WithDescription("On the dry-run target: the manifests it stored. " +
                           "Apply them by hand with kubectl apply --server-side --field-manager=calico-wizard -f FILE.")
          .Produces<string>(StatusCodes.Status200OK, "application/yaml").ProducesProblem(StatusCodes.Status404NotFound);

        MapJobActions(clusters);
        MapNetworkEndpoints(api);

        // The same hand-off as the wizard's "Create cluster": every rule is checked here, whatever the caller sent.
        clusters.MapPost("/", async (HttpRequest request, ClusterSubmission submission, CancellationToken ct) =>
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
                    detail: Invariant($"A draft is at most {InputLimits.MaxRequestBytes / 1024:N0} KB (") +
                        Invariant($"{InputLimits.MaxPolicies} policies of {InputLimits.MaxPolicyBytes / 1024} KB each at most)."));
            }
            catch (JsonException e)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The draft cannot be read", detail: ApiJson.Describe(e));
            }
            if (draft is null)
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The draft cannot be read",
                    detail: "The body is empty: send the draft as a JSON object.");
            if (draft.Id == Guid.Empty)
                return Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["id"] = ["id: leave it out (the server issues one) or send a new GUID; the empty GUID is nobody's draft."],
                }, statusCode: StatusCodes.Status422UnprocessableEntity, title: "The cluster breaks the rules");

            var result = await submission.SubmitAsync(draft, OperatorIdentity.Name(request.HttpContext.User), ct);
            if (result.Forbidden is { } forbidden)
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Another operator's draft", detail: forbidden);
            if (result.Busy is { } busy)
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Other submissions kept winning", detail: busy);
            if (result.Conflicts is { Count: > 0 } conflicts)
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "This draft id already made another cluster",
                    detail: $"Draft {draft.Id} was submitted before with a different " +
                        $"{string.Join(", ", conflicts)}: leave the id out (or send a new one) for a new cluster.");
            return result.ClusterId is { } id
                ? TypedResults.Created($"/api/clusters/{id}", new SubmittedResource(id,
                    // what each "suggest" became, and why
                    (result.Suggested ?? []).Select(s =>
                        new SuggestedRangeResource(DraftFields.Find(s.Field)!.Key, s.Suggestion.Cidr?.ToString(), s.Suggestion.Reason)).ToArray(),
                    result.Check.Warnings.Select(w => new WarningResource(DraftFields.Find(w.PropertyName)?.Key ?? w.PropertyName, w.ErrorMessage)).ToArray()))
                : BrokenRules(result.Check);
        }).DisableAntiforgery().RequireAuthorization(SignIn.OperatorPolicy)
          .WithMetadata(new RequestSizeLimitAttribute(InputLimits.MaxRequestBytes))
          .WithName("CreateCluster").WithSummary("Create a cluster from a draft")
          .WithDescription("Checks every rule the wizard checks, with the same messages, then queues provisioning. " +
                           "Posting the same id again answers the same cluster. " +
                           "A range that says \"suggest\" is replaced by a free one; the answer's suggested list says what each became and why.")
          .Produces<SubmittedResource>(StatusCodes.Status201Created)
          .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
          .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
          .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>
    /// What the cluster page's buttons do, for automation: the same commands, the same conditions (the newest job's
    /// state), the same audit entries under the caller's name, and the operator role when sign-in is on.
    /// </summary>
    private static void MapJobActions(RouteGroupBuilder clusters)
    {
        clusters.MapPost("/{id:guid}/retry", async (Guid id, ClusterQueries queries, JobCommands commands, HttpContext http, CancellationToken ct) =>
        {
            if (await queries.NewestJobAsync(id, ct) is not { } newest) return NoCluster(id);
            const string title = "Nothing to retry", rule = "Only a failed or cancelled job can be retried";
            if (newest is not { Id: { } jobId, State: JobState.Failed or JobState.Cancelled }) return NotNow(id, title, rule, newest);
            return await commands.RetryAsync(jobId, OperatorIdentity.Name(http.User), ct)
                ? Accepted(id, jobId, JobState.Pending)
                : NotNow(id, title, rule, await queries.NewestJobAsync(id, ct)); // another request moved it meanwhile
        }).AsJobAction().WithName("RetryCluster").WithSummary("Retry a failed or cancelled job")
          .WithDescription("Runs the cluster's newest job again from its first unfinished step, with the same spec and target. " +
                           "409 when the newest job is not Failed or Cancelled.");

        clusters.MapPost("/{id:guid}/cancel", async (Guid id, ClusterQueries queries, JobCommands commands, HttpContext http, CancellationToken ct) =>
        {
            if (await queries.NewestJobAsync(id, ct) is not { } newest) return NoCluster(id);
            const string title = "Nothing to cancel", rule = "Only a queued or running job can be cancelled";
            if (newest is not { Id: { } jobId, State: JobState.Pending or JobState.Running }) return NotNow(id, title, rule, newest);
            var cancelled = await commands.CancelAsync(jobId, OperatorIdentity.Name(http.User), ct);
            var after = await queries.NewestJobAsync(id, ct); // a queued job is Cancelled now; a running one stops at its next step
            return cancelled ? Accepted(id, jobId, after?.State ?? JobState.Cancelled) : NotNow(id, title, rule, after);
        }).AsJobAction().WithName("CancelCluster").WithSummary("Cancel a queued or running job")
          .WithDescription("A queued job is cancelled at once; a running one stops at its next step boundary, on whichever replica runs it " +
                           "(state Running until then: poll the cluster). 409 when the newest job has finished.");

        clusters.MapPost("/{id:guid}/run-again", async (Guid id, ClusterQueries queries, JobCommands commands, HttpContext http, CancellationToken ct) =>
        {
            if (await queries.NewestJobAsync(id, ct) is null) return NoCluster(id);
            return await commands.RunAgainAsync(id, OperatorIdentity.Name(http.User), ct) is { } jobId
                ? Accepted(id, jobId, JobState.Pending)
                : NotNow(id, "Not now", "A cluster runs again only when its newest job has finished", await queries.NewestJobAsync(id, ct));
        }).AsJobAction().WithName("RunClusterAgain").WithSummary("Apply a cluster's spec again as a new job")
          .WithDescription("The same manifests on the same target: objects that did not change are reported unchanged. " +
                           "409 while the newest job is queued or running.");
    }

    /// <summary>
    /// What every job action shares: the operator role, no antiforgery token (a script has none; the request guards
    /// refuse other sites), its answers.
    /// </summary>
    private static RouteHandlerBuilder AsJobAction(this RouteHandlerBuilder action) => action
        .DisableAntiforgery().RequireAuthorization(SignIn.OperatorPolicy)
        .Produces<JobActionResource>(StatusCodes.Status202Accepted)
        .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

    private static IResult Accepted(Guid clusterId, Guid jobId, JobState state) =>
        TypedResults.Accepted($"/api/clusters/{clusterId}", new JobActionResource(clusterId, jobId, state));

    private static IResult NotNow(Guid id, string title, string rule, NewestJob? newest) =>
        Results.Problem(statusCode: StatusCodes.Status409Conflict, title: title,
            detail: $"{rule}; the newest job is {(newest?.State is { } s ? s.ToString() : "not there yet")}. GET /api/clusters/{id} shows it.");

    private static IResult NoCluster(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such cluster",
            detail: $"There is no cluster {id}: GET /api/clusters lists them.");

    private static IResult NoDraft(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such draft", detail: $"There is no saved draft {id}.");

    private static IResult BrokenRules(DraftCheck check) =>
        Results.ValidationProblem(Problems(check), statusCode: StatusCodes.Status422UnprocessableEntity, title: "The cluster breaks the rules");

    /// <summary>
    /// Address planning for automation: a free range (<c>/free</c>) sized like the wizard's Suggest, and the address map
    /// (<c>/map</c>) the wizard draws. Reads only; every query value is bounded and parsed before use.
    /// </summary>
    private static void MapNetworkEndpoints(RouteGroupBuilder api)
    {
        var networks = api.MapGroup("/networks/{provider}/{network}").WithTags("Address planning");

        networks.MapGet("/free", async (string provider, string network, HttpRequest request, RangeSuggester planner, ProviderMatrix matrix,
            CancellationToken ct) =>
        {
            if (NetworkProblem(provider, network, matrix) is { } problem) return problem;
            var query = request.Query;
            if (QueryKeys.Check(query, FreeKeys) is { } refused) return refused; // "node=5000" is a typo, not 1 node
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
            var nodes = WholeNumber.Parse(query["nodes"].ToString() is { Length: > 0 } n ? n : "1", 1, ClusterDraftValidator.MaxNodes,
                Core.Resources.Messages.UnitNodes);
            if (!nodes.Ok) return BadQuery("nodes", $"nodes: {nodes.Error}");
            var (min, max) = BlockCapacity.Range(f);
            var block = WholeNumber.Parse(query["blockSize"].ToString() is { Length: > 0 } b ? b : Defaults.For(f).BlockSize, min, max, "");
            if (!block.Ok) return BadQuery("blockSize", $"blockSize: {block.Error} (the {f} block size; leave it out for {Defaults.For(f).BlockSize}).");
            var avoid = NodeNetworkRule.Parse(query["avoid"].ToString(), NetworkStack.DualStack);
            if (avoid.Error is { } avoidError) return BadQuery("avoid", $"avoid (comma-separated CIDRs to keep clear of, e.g. the node network): {avoidError}");
            var suggestion = await planner.SuggestAsync(new SuggestRequest(provider, network, kind.Value, f, nodes.Value, block.Value, avoid.Networks), ct);
            return suggestion.Cidr is { } cidr
                ? TypedResults.Ok(new FreeRangeResource(cidr.ToString(), suggestion.Reason))
                : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Nothing fits", detail: suggestion.Reason);
        }).WithName("FreeRange").WithSummary("A free range on a network, sized like the wizard's Suggest")
          .WithDescription("Query: kind=containers|services (required); family=IPv4|IPv6; nodes (default 1) and blockSize size a containers range " +
                           "(nodes × addresses per block × the headroom); avoid=CIDR,… keeps clear of ranges such as the node network. " +
                           "409 with the reason when nothing fits.")
          .Produces<FreeRangeResource>().ProducesValidationProblem()
          .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        networks.MapGet("/map", async (string provider, string network, HttpRequest request, IClusterRegistry registry, ProviderMatrix matrix,
            CancellationToken ct) =>
        {
            if (NetworkProblem(provider, network, matrix) is { } problem) return problem;
            if (QueryKeys.Check(request.Query, []) is { } refused) return refused;
            var option = matrix.Find(provider)!;
            var map = AddressMap.Build(network.Trim(), matrix.AddressSpacesOf(option), await registry.UsageAsync(option.Name, network.Trim(), ct), [], []);
            return TypedResults.Ok(new AddressMapResource(option.Name, map.Network, matrix.AddressSpacesOf(option).Select(s => s.ToString()).ToArray(),
                map.Bars.Select(b => new AddressBarResource(b.Space, b.Domain.ToString(), b.FirstAddress, b.LastAddress, b.Ranges,
                    b.Segments.Select(g =>
                        new AddressSegmentResource(Math.Round(g.X, 3), Math.Round(g.Width, 3), g.Kind.ToString(), g.Label, g.Count)).ToArray())).ToArray(),
                map.Rows.Select(r => new AddressRowResource(r.Cidr, r.Holder, r.What, r.Kind.ToString())).ToArray(),
                map.TotalRows));
        }).WithName("AddressMap").WithSummary("A network's address map")
          .WithDescription("What the wizard draws: a bar per address space that holds ranges (segments at x/width on 0–1000) and the ranges, clashes first.")
          .Produces<AddressMapResource>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static readonly string[] FreeKeys = ["kind", "family", "nodes", "blockSize", "avoid"];

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

    /// <summary>The most a 422's messages may add up to: with its envelope, the answer stays under 64 KB.</summary>
    public const int MaxProblemBytes = 48 * 1024;

    /// <summary>
    /// Each field's messages (at most <see cref="ClusterRules.MaxErrorsPerField"/> and a count of the rest, from the
    /// rules), in the rules' order, until <see cref="MaxProblemBytes"/>: the last field shown then says how many more
    /// fields and messages there are.
    /// </summary>
    public static Dictionary<string, string[]> Problems(DraftCheck check)
    {
        var problems = new Dictionary<string, string[]>();
        var bytes = 0;
        var fields = check.Errors.GroupBy(e => e.PropertyName).ToArray();
        for (var i = 0; i < fields.Length; i++)
        {
            var messages = fields[i].Select(e => $"{DraftFields.LabelOf(fields[i].Key)}: {e.ErrorMessage}").ToArray();
            var size = fields[i].Key.Length + messages.Sum(m => System.Text.Encoding.UTF8.GetByteCount(m) + 8);
            if (problems.Count > 0 && bytes + size > MaxProblemBytes)
            {
                var rest = fields[i..];
                var last = problems.Keys.Last();
                problems[last] = [.. problems[last],
                    Invariant($"… and {rest.Sum(g => g.Count())} more messages for {rest.Length} more fields or policies: fix these first.")];
                break;
            }
            problems[fields[i].Key] = messages;
            bytes += size;
        }
        return problems;
    }
}

/// <summary>How the API reads a draft: enum names, and an unknown key is an error that names it (a typo must not pass silently).</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = InputLimits.MaxDepth,
        // the keys of the last releases (ipInIpMode, interfaceDetection, underlayMtu) are read as the fields they became
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver { Modifiers = { DraftFields.ReadAliases } },
    };

    public static string Describe(JsonException e)
    {
        var message = e.Message;
        // "The JSON property 'containerCidr' could not be mapped to any .NET member contained in type '…'."
        if (message.StartsWith("The JSON property '", StringComparison.Ordinal) && message.IndexOf('\'', 19) is var end and > 19)
            return $"Unknown key '{message[19..end]}': the keys are id, {string.Join(", ", DraftFields.All.Select(f => f.Key))}.";
        return $"The body is not a valid draft{(e.Path is { Length: > 0 } path ? $" (at {path})" : "")}: " +
            "send JSON with the spec file's keys and string values for text fields.";
    }
}
