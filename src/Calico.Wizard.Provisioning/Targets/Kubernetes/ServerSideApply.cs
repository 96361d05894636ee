using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Calico.Wizard.Core.Rendering;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Calico.Wizard.Provisioning.Targets.Kubernetes;

/// <summary>
/// Server-side apply (fieldManager=calico-wizard, force) of any object the wizard renders or the operator
/// manifest holds, one PATCH per object. Kinds are mapped to their API paths explicitly: an unknown kind is
/// refused with a message instead of guessed.
/// </summary>
public sealed class ServerSideApply(IKubernetes client)
{
    public const string FieldManager = "calico-wizard";

    private sealed record Resource(string Group, string Version, string Plural, bool Namespaced);

    private static readonly Dictionary<(string ApiVersion, string Kind), Resource> Known = new()
    {
        [("v1", "Namespace")] = new("", "v1", "namespaces", false),
        [("v1", "ServiceAccount")] = new("", "v1", "serviceaccounts", true),
        [("v1", "ConfigMap")] = new("", "v1", "configmaps", true),
        [("v1", "Service")] = new("", "v1", "services", true),
        [("v1", "Secret")] = new("", "v1", "secrets", true),
        [("apiextensions.k8s.io/v1", "CustomResourceDefinition")] = new("apiextensions.k8s.io", "v1", "customresourcedefinitions", false),
        [("rbac.authorization.k8s.io/v1", "ClusterRole")] = new("rbac.authorization.k8s.io", "v1", "clusterroles", false),
        [("rbac.authorization.k8s.io/v1", "ClusterRoleBinding")] = new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", false),
        [("rbac.authorization.k8s.io/v1", "Role")] = new("rbac.authorization.k8s.io", "v1", "roles", true),
        [("rbac.authorization.k8s.io/v1", "RoleBinding")] = new("rbac.authorization.k8s.io", "v1", "rolebindings", true),
        [("apps/v1", "Deployment")] = new("apps", "v1", "deployments", true),
        [("apps/v1", "DaemonSet")] = new("apps", "v1", "daemonsets", true),
        [("policy/v1", "PodDisruptionBudget")] = new("policy", "v1", "poddisruptionbudgets", true),
        [("networking.k8s.io/v1", "NetworkPolicy")] = new("networking.k8s.io", "v1", "networkpolicies", true),
        [(Tigera.ApiVersion, Tigera.InstallationKind)] = new(Tigera.Group, Tigera.Version, Tigera.InstallationPlural, false),
        [(Tigera.ApiVersion, Tigera.ApiServerKind)] = new(Tigera.Group, Tigera.Version, Tigera.ApiServerPlural, false),
    };

    /// <summary>The API group and plural resource of a kind the applier knows (what an access review names).</summary>
    public static (string Group, string Plural)? ResourceOf(string apiVersion, string kind) =>
        Known.TryGetValue((apiVersion, kind), out var r) ? (r.Group, r.Plural) : null;

    /// <summary>
    /// What an apply returned: the object's resourceVersion, its metadata.generation (kinds with a spec), and a hash of
    /// its content without what the server sets (uid, times, versions, managedFields) and without status.
    /// </summary>
    public sealed record Result(string? ResourceVersion, long? Generation, string ContentHash)
    {
        /// <summary>
        /// What says whether the object changed between two applies: its generation where it has one (the server moves
        /// it for spec changes only, not for a controller's status writes), else its content. Never a time stamp.
        /// </summary>
        public string Mark => Generation is { } g ? $"generation {g}" : $"content {ContentHash}";
    }

    /// <summary>Applies <paramref name="body"/> with fieldValidation=Strict (a field the server's schema does not declare is refused, not dropped).</summary>
    /// <param name="dryRun">dryRun=All: the server runs admission and validation and persists nothing.</param>
    /// <param name="fieldManager">Another manager owns other fields: an apply that omits fields removes only its own.</param>
    public async Task<Result> ApplyAsync(string apiVersion, string kind, string? ns, string name, object body, CancellationToken ct,
        bool dryRun = false, string fieldManager = FieldManager)
    {
        if (!Known.TryGetValue((apiVersion, kind), out var r))
            throw new ProvisioningException($"{apiVersion} {kind} '{name}' cannot be applied: the provisioner applies only " +
                $"{string.Join(", ", Known.Keys.Select(k => k.Kind).Distinct())}.");
        if (r.Namespaced && string.IsNullOrEmpty(ns))
            throw new ProvisioningException($"{kind} '{name}' needs a namespace.");
        var patch = new V1Patch(KubernetesJson.Serialize(body), V1Patch.PatchType.ApplyPatch);
        var dry = dryRun ? DryRunAll : null;
        try
        {
            object result = (r.Group, kind) switch
            {
                ("", "Namespace") => await client.CoreV1.PatchNamespaceAsync(patch, name,
                    dryRun: dry, fieldManager: fieldManager, fieldValidation: Strict, force: true, cancellationToken: ct),
                ("", "ServiceAccount") => await client.CoreV1.PatchNamespacedServiceAccountAsync(patch, name, ns,
                    dryRun: dry, fieldManager: fieldManager, fieldValidation: Strict, force: true, cancellationToken: ct),
                ("", "ConfigMap") => await client.CoreV1.PatchNamespacedConfigMapAsync(patch, name, ns,
                    dryRun: dry, fieldManager: fieldManager, fieldValidation: Strict, force: true, cancellationToken: ct),
                ("", "Service") => await client.CoreV1.PatchNamespacedServiceAsync(patch, name, ns,
                    dryRun: dry, fieldManager: fieldManager, fieldValidation: Strict, force: true, cancellationToken: ct),
                ("", "Secret") => await client.CoreV1.PatchNamespacedSecretAsync(patch, name, ns,
                    dryRun: dry, fieldManager: fieldManager, fieldValidation: Strict, force: true, cancellationToken: ct),
                _ when r.Namespaced => await client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, r.Group, r.Version, ns, r.Plural, name,
                    dryRun: dry, fieldManager: fieldManager, fieldValidation: Strict, force: true, cancellationToken: ct),
                _ => await client.CustomObjects.PatchClusterCustomObjectAsync(patch, r.Group, r.Version, r.Plural, name,
                    dryRun: dry, fieldManager: fieldManager, fieldValidation: Strict, force: true, cancellationToken: ct),
            };
            return ResultOf(JsonNode.Parse(KubernetesJson.Serialize(result))?.AsObject() ?? []);
        }
        catch (HttpOperationException e)
        {
            throw new ProvisioningException(
                $"{(dryRun ? "The dry run of" : "Applying")} {kind} {(ns is null ? "" : ns + "/")}{name} failed: {KubernetesConnection.Describe(e)}.");
        }
    }

    public const string DryRunAll = "All", Strict = "Strict";

    private static readonly string[] ServerSetMetadata = ["uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink"];

    public static Result ResultOf(JsonObject applied)
    {
        var metadata = applied["metadata"] as JsonObject;
        var content = applied.DeepClone().AsObject();
        content.Remove("status");
        if (content["metadata"] is JsonObject m)
            foreach (var key in ServerSetMetadata) m.Remove(key);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content.ToJsonString())));
        return new Result(metadata?["resourceVersion"]?.GetValue<string>(), metadata?["generation"]?.GetValue<long>(), hash);
    }
}
