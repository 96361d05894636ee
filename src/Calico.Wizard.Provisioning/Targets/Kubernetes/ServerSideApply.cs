using System.Text.Json.Nodes;
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
        [("operator.tigera.io/v1", "Installation")] = new("operator.tigera.io", "v1", "installations", false),
        [("operator.tigera.io/v1", "APIServer")] = new("operator.tigera.io", "v1", "apiservers", false),
    };

    public static bool CanApply(string apiVersion, string kind) => Known.ContainsKey((apiVersion, kind));

    /// <returns>The object's resourceVersion after the apply: unchanged when nothing changed.</returns>
    public async Task<string?> ApplyAsync(string apiVersion, string kind, string? ns, string name, object body, CancellationToken ct)
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
            return JsonNode.Parse(KubernetesJson.Serialize(result))?["metadata"]?["resourceVersion"]?.GetValue<string>();
        }
        catch (HttpOperationException e)
        {
            throw new ProvisioningException($"Applying {kind} {(ns is null ? "" : ns + "/")}{name} failed: {KubernetesConnection.Describe(e)}.");
        }
    }
}
