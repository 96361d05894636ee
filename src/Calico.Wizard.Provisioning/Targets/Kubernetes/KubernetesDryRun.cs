using Calico.Wizard.Core.Rendering;
using k8s;

namespace Calico.Wizard.Provisioning.Targets.Kubernetes;

/// <summary>
/// Every object this job will write, applied with dryRun=All in the order it will be applied: the API server runs
/// admission, its schema and strict field validation, and persists nothing. Any refusal fails the job here, before
/// the first write, naming the object and the server's words. An object whose namespace or CRD an earlier object of
/// this job creates cannot be judged yet: it is named as not dry-run (a custom object's schema was checked in preflight against
/// the CRD the job applies).
/// </summary>
internal sealed class KubernetesDryRun(ConfiguredManifests manifests)
{
    public async Task<StepOutcome> RunAsync(IKubernetes client, StepContext ctx, CancellationToken ct)
    {
        var manifest = await manifests.ForJobAsync(client, ctx, ct);
        var all = manifest
            .Select(o => (Key: RenderedObject.KeyOf(o.Kind, o.Metadata.NamespaceProperty, o.Metadata.Name), o.ApiVersion, o.Kind,
                Ns: (string?)o.Metadata.NamespaceProperty, o.Metadata.Name, Body: (object)o))
            .Concat(ctx.Objects.Select(o => (o.Key, o.ApiVersion, o.Kind, Ns: o.Namespace, o.Name, o.Body))).ToList();
        var createdNamespaces = all.Where(o => o.Kind == "Namespace").Select(o => o.Name).ToHashSet();
        var createdCrds = all.Where(o => o.Kind == "CustomResourceDefinition").Select(o => o.Name).ToHashSet();
        var missingNamespaces = new HashSet<string>();
        foreach (var ns in all.Select(o => o.Ns).OfType<string>().Where(createdNamespaces.Contains).Distinct())
            if (await KubernetesReads.FindAsync(client.CoreV1.ReadNamespaceAsync(ns, cancellationToken: ct)) is null) missingNamespaces.Add(ns);

        var apply = new ServerSideApply(client);
        var accepted = 0;
        var notYet = new List<string>();
        var refused = new List<string>();
        foreach (var o in all)
        {
            if (o.Ns is { } ns && missingNamespaces.Contains(ns)) { notYet.Add($"{o.Key} (namespace {ns} is created by this job)"); continue; }
            // the CRD this job applies may differ from the one served now: such objects were checked against the manifest's CRD in preflight
            if (ServerSideApply.ResourceOf(o.ApiVersion, o.Kind) is { } r && createdCrds.Contains($"{r.Plural}.{r.Group}"))
            {
                notYet.Add($"{o.Key} (its CRD comes with this job's manifest)");
                continue;
            }
            try
            {
                await apply.ApplyAsync(o.ApiVersion, o.Kind, o.Ns, o.Name, o.Body, ct, dryRun: true);
                accepted++;
                ctx.Log($"{o.Key}: accepted by the dry run");
            }
            catch (ProvisioningException e)
            {
                refused.Add(e.Message);
            }
        }
        if (refused.Count > 0)
            throw new ProvisioningException($"The API server refused {refused.Count} object(s) in a dry run; nothing was written. {string.Join(" ", refused)}");
        return $"{accepted} object(s) accepted by the API server's dry run (admission, schema, strict fields; nothing persisted)" +
            (notYet.Count > 0 ? $"; not dry-run: {string.Join(", ", notYet)}" : "");
    }
}
