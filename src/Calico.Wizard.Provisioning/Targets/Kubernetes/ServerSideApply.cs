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

    /// <summary>What an apply returned: the object's resourceVersion, and when our field manager's fields last changed.</summary>
    public sealed record Result(string? ResourceVersion, string? OurFieldsChangedAt)
    {
        /// <summary>
        /// What says whether our content changed: the API server moves our Apply entry's time only when fields we own
        /// change, while controllers writing status move the resourceVersion too. Without managedFields, the version.
        /// </summary>
        public string? Mark => OurFieldsChangedAt ?? ResourceVersion;
    }

    public async Task<Result> ApplyAsync(string apiVersion, string kind, string? ns, string name, object body, CancellationToken ct)
    {
        if (!Known.TryGetValue((apiVersion, kind), out var r))
            throw new ProvisioningException($"{apiVersion} {kind} '{name}' cannot be applied: the provisioner applies only {string.Join(", ", Known.Keys.Select(k => k.Kind).Distinct())}.");
        if (r.Namespaced && string.IsNullOrEmpty(ns))
            throw new ProvisioningException($"{kind} '{name}' needs a namespace.");
        var patch = new V1Patch(KubernetesJson.Serialize(body), V1Patch.PatchType.ApplyPatch);
        try
        {
            object result = (r.Group, kind) switch
            {
                ("", "Namespace") => await client.CoreV1.PatchNamespaceAsync(patch, name, fieldManager: FieldManager, force: true, cancellationToken: ct),
                ("", "ServiceAccount") => await client.CoreV1.PatchNamespacedServiceAccountAsync(patch, name, ns, fieldManager: FieldManager, force: true, cancellationToken: ct),
                ("", "ConfigMap") => await client.CoreV1.PatchNamespacedConfigMapAsync(patch, name, ns, fieldManager: FieldManager, force: true, cancellationToken: ct),
                ("", "Service") => await client.CoreV1.PatchNamespacedServiceAsync(patch, name, ns, fieldManager: FieldManager, force: true, cancellationToken: ct),
                ("", "Secret") => await client.CoreV1.PatchNamespacedSecretAsync(patch, name, ns, fieldManager: FieldManager, force: true, cancellationToken: ct),
                _ when r.Namespaced => await client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, r.Group, r.Version, ns, r.Plural, name, fieldManager: FieldManager, force: true, cancellationToken: ct),
                _ => await client.CustomObjects.PatchClusterCustomObjectAsync(patch, r.Group, r.Version, r.Plural, name, fieldManager: FieldManager, force: true, cancellationToken: ct),
            };
            var metadata = JsonNode.Parse(KubernetesJson.Serialize(result))?["metadata"];
            var ours = metadata?["managedFields"]?.AsArray()
                .FirstOrDefault(f => f?["manager"]?.GetValue<string>() == FieldManager && f?["operation"]?.GetValue<string>() == "Apply" && f?["subresource"] is null);
            return new Result(metadata?["resourceVersion"]?.GetValue<string>(), ours?["time"]?.GetValue<string>());
        }
        catch (HttpOperationException e)
        {
            throw new ProvisioningException($"Applying {kind} {(ns is null ? "" : ns + "/")}{name} failed: {KubernetesConnection.Describe(e)}.");
        }
    }
}
