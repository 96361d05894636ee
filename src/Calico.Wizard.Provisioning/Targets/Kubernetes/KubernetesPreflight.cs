using System.Net;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Input;
using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Core.Rules;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static System.FormattableString;

namespace Calico.Wizard.Provisioning.Targets.Kubernetes;

/// <summary>
/// The checklist before anything is written: each check reads the cluster (and the configured manifests) and either
/// says what it found or fails the step with what to do. None of them writes.
/// </summary>
internal sealed class KubernetesPreflight(KubernetesApplyOptions options, ConfiguredManifests manifests)
{
    private static readonly string[] CalicoRivals = ["flannel", "cilium", "weave"];
    private static readonly string[] FlannelRivals = ["calico-node", "cilium", "weave"];

    public static async Task<StepOutcome> ApiReachableAsync(IKubernetes client, CancellationToken ct)
    {
        try
        {
            var version = await client.Version.GetCodeAsync(ct);
            return $"Kubernetes {version.GitVersion}";
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException)
        {
            throw new ProvisioningException(
                $"The API server is not reachable: {KubernetesConnection.Describe(e)}. Check the target's kubeconfig, context and network path.");
        }
    }

    /// <summary>
    /// The Installation CRD the Installation will meet — the cluster's served one, or the operator manifest's when that is
    /// configured (it is applied first) — must declare and accept every field we send: an older operator refuses what it
    /// does not know, and we find out here, before anything is written, with the field's path.
    /// </summary>
    public async Task<StepOutcome> OperatorKnowsOurFieldsAsync(IKubernetes client, StepContext ctx, CancellationToken ct)
    {
        const string TigeraCrd = KubernetesTarget.TigeraCrd;
        var manifestCrd = (await manifests.ObjectsAsync(options.OperatorManifest, ct))
            .OfType<V1CustomResourceDefinition>().FirstOrDefault(c => c.Metadata.Name == TigeraCrd);
        var served = await KubernetesReads.FindAsync(client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(TigeraCrd, cancellationToken: ct));
        if (served is null && options.OperatorManifest is not { Length: > 0 })
        {
            throw new ProvisioningException($"The Tigera operator is not installed (CRD {TigeraCrd} missing) and no operator manifest is configured: " +
                "download tigera-operator.yaml for your Calico version and set Provisioning:OperatorManifest to its path, or install the operator first.");
        }
        var manifestName = Path.GetFileName(options.OperatorManifest);
        var (crd, whose) = manifestCrd is not null
            ? (manifestCrd, $"the operator manifest {manifestName}'s CRD (applied before the Installation)")
            : served is not null ? (served, "this cluster's Tigera operator")
            : throw new ProvisioningException($"The CRD {TigeraCrd} is missing and the operator manifest {manifestName} (Provisioning:OperatorManifest) " +
                "does not contain it: use the tigera-operator.yaml of a Calico release.");
        if (CrdSchema.Of(crd, Tigera.Version) is not { } schema)
        {
            throw new ProvisioningException($"{whose} serves no {Tigera.ApiVersion} schema for Installation: " +
                $"{(manifestCrd is null ? "upgrade the Tigera operator" : "use the tigera-operator.yaml of a current Calico release")}.");
        }
        var installations = ctx.Objects.Where(o => o.Kind == Tigera.InstallationKind).ToList();
        var violations = installations.SelectMany(o => schema.Check(o.Body)).ToList();
        if (violations.Count > 0)
        {
            var unknown = violations.Where(v => v.Kind == SchemaViolationKind.UnknownField).Select(v => v.Field).ToList();
            var refused = violations.Where(v => v.Kind != SchemaViolationKind.UnknownField).Select(v => v.ToString()).ToList();
            var fix = manifestCrd is null
                ? "upgrade the operator, or set Provisioning:OperatorManifest to a newer tigera-operator.yaml so the wizard upgrades it first"
                : "use a newer tigera-operator.yaml";
            throw new ProvisioningException(string.Join(" ",
                unknown.Count > 0 ? $"{Capitalised(whose)} does not know {string.Join(", ", unknown)}: {fix}." : "",
                refused.Count > 0 ? $"{Capitalised(whose)} refuses {string.Join("; ", refused)}: {fix}." : "").Trim());
        }
        var version = crd.Metadata.Labels is { } labels && labels.TryGetValue("app.kubernetes.io/version", out var v) ? $" ({v})" : "";
        return $"{Capitalised(whose)}{version} knows every field of {string.Join(", ", installations.Select(o => o.Key))}" +
            (served is null ? $"; CRD {TigeraCrd} is missing: the operator manifest will install it" : $"; CRD {TigeraCrd} is present");
    }

    private static string Capitalised(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>Flannel runs, or the configured Flannel manifest will install it; otherwise nothing would read the ConfigMap.</summary>
    public async Task<StepOutcome> FlannelPresentAsync(IKubernetes client, CancellationToken ct)
    {
        const string FlannelDaemonSet = KubernetesReads.FlannelDaemonSet;
        if (await KubernetesReads.ReadFlannelAsync(client, ct) is { } ds)
        {
            return $"DaemonSet {ManifestRenderer.FlannelNamespace}/{FlannelDaemonSet} runs " +
                $"({ds.Status?.NumberReady ?? 0}/{ds.Status?.DesiredNumberScheduled ?? 0} ready)";
        }
        if (options.FlannelManifest is { Length: > 0 } manifest)
        {
            var objects = await manifests.ObjectsAsync(manifest, ct);
            if (!objects.Any(o => o.Kind == "DaemonSet" && o.Metadata.Name == FlannelDaemonSet
                && o.Metadata.NamespaceProperty == ManifestRenderer.FlannelNamespace))
            {
                throw new ProvisioningException($"The Flannel manifest {Path.GetFileName(manifest)} (Provisioning:FlannelManifest) has no DaemonSet " +
                    $"{ManifestRenderer.FlannelNamespace}/{FlannelDaemonSet}: use kube-flannel.yml of a Flannel release.");
            }
            return $"Flannel is not installed: the Flannel manifest {Path.GetFileName(manifest)} will install it ({objects.Count} objects)";
        }
        throw new ProvisioningException($"Flannel is not installed on this cluster (no DaemonSet {ManifestRenderer.FlannelNamespace}/{FlannelDaemonSet}) " +
            "and no Flannel manifest is configured: download kube-flannel.yml for your Flannel version and set Provisioning:FlannelManifest to its path, " +
            "or install Flannel first.");
    }

    /// <summary>No DaemonSet of another CNI (for Calico: Flannel's too; for Flannel: calico-node's) runs.</summary>
    public static async Task<StepOutcome> NoOtherCniAsync(IKubernetes client, bool calico, CancellationToken ct)
    {
        var rivals = calico ? CalicoRivals : FlannelRivals;
        var daemonSets = await client.AppsV1.ListDaemonSetForAllNamespacesAsync(cancellationToken: ct);
        var found = daemonSets.Items
            .Select(d => (d, rival: rivals.FirstOrDefault(r => d.Metadata.Name.Contains(r, StringComparison.OrdinalIgnoreCase))))
            .Where(x => x.rival is not null).ToList();
        if (found.Count > 0)
        {
            var which = string.Join(", ", found.Select(x => $"DaemonSet {x.d.Metadata.NamespaceProperty}/{x.d.Metadata.Name} ({x.rival})"));
            throw new ProvisioningException($"Another CNI runs on this cluster: {which}. Two CNIs on one cluster break pod networking: remove it first.");
        }
        return $"{daemonSets.Items.Count} DaemonSet(s), none of {string.Join(", ", rivals)}";
    }

    public static async Task<StepOutcome> NodesFitAsync(IKubernetes client, ClusterSpec spec, CancellationToken ct)
    {
        var nodes = await client.CoreV1.ListNodeAsync(cancellationToken: ct);
        var pools = new List<(IPNetwork Cidr, int Block, NetworkStack Family)>
        {
            (spec.ContainersCidr, spec.Calico!.BlockSize, spec.NetworkStack == NetworkStack.IPv6 ? NetworkStack.IPv6 : NetworkStack.IPv4),
        };
        if (spec.ContainersCidrV6 is { } v6 && spec.Calico.BlockSizeV6 is { } block6) pools.Add((v6, block6, NetworkStack.IPv6));
        var fits = new List<string>();
        foreach (var (cidr, block, family) in pools)
        {
            var capacity = BlockCapacity.Of(cidr.PrefixLength, block, family);
            if (nodes.Items.Count > capacity.MaxNodes)
            {
                throw new ProvisioningException(
                    Invariant($"The cluster has {nodes.Items.Count} nodes but block size {block} in {cidr} allows {capacity.MaxNodes:N0}: ") +
                    "choose a larger block size or Containers CIDR.");
            }
            fits.Add(Invariant($"block size {block} in {cidr} allows {capacity.MaxNodes:N0}"));
        }
        return $"{nodes.Items.Count} node(s); {string.Join("; ", fits)}";
    }

    public static async Task<StepOutcome> PodCidrAsync(IKubernetes client, ClusterSpec spec, CancellationToken ct)
    {
        var containers = spec.ContainersCidr;
        var podSubnets = await KubeadmPodSubnetsAsync(client, ct);
        if (podSubnets is not null)
        {
            IPNetwork[] ranges = spec.ContainersCidrV6 is { } v6 ? [containers, v6] : [containers];
            foreach (var range in ranges)
            {
                if (!podSubnets.Any(s => s.BaseAddress.AddressFamily == range.BaseAddress.AddressFamily && s.Contains(range.BaseAddress)
                    && s.PrefixLength <= range.PrefixLength))
                {
                    throw new ProvisioningException($"The cluster's pod CIDR (kubeadm podSubnet {string.Join(",", podSubnets)}) does not contain " +
                        $"the Containers CIDR {range}: pods would get addresses the cluster does not route. Use a Containers CIDR inside it.");
                }
            }
            return $"kubeadm podSubnet {string.Join(",", podSubnets)} contains {string.Join(" and ", ranges.Select(r => r.ToString()))}";
        }
        var nodes = await client.CoreV1.ListNodeAsync(cancellationToken: ct);
        var podCidrs = nodes.Items.Select(n => n.Spec?.PodCIDR).Where(c => !string.IsNullOrEmpty(c)).Select(c => IPNetwork.Parse(c!)).ToList();
        if (podCidrs.Count == 0) return "the cluster's pod CIDR is not readable (no kubeadm-config, no node podCIDR): not checked";
        var outside = podCidrs.Where(c => c.BaseAddress.AddressFamily == containers.BaseAddress.AddressFamily && !StrictCidr.Overlap(c, containers)).ToList();
        if (outside.Count > 0)
        {
            throw new ProvisioningException(
                $"Node pod CIDRs {string.Join(", ", outside)} lie outside the Containers CIDR {containers}: the cluster was set up with another pod network.");
        }
        return $"node pod CIDRs {string.Join(", ", podCidrs.Distinct())} lie in {containers}";
    }

    /// <summary>
    /// The pod subnets kubeadm set up, or null when kubeadm-config is absent, unreadable or not what kubeadm writes: the
    /// cluster's text passes the same YAML gate as any other input (size, depth, no aliases) before it is parsed.
    /// </summary>
    private static async Task<List<IPNetwork>?> KubeadmPodSubnetsAsync(IKubernetes client, CancellationToken ct)
    {
        try
        {
            var map = await client.CoreV1.ReadNamespacedConfigMapAsync("kubeadm-config", "kube-system", cancellationToken: ct);
            if (map.Data?.TryGetValue("ClusterConfiguration", out var yaml) != true
                || BoundedYaml.Check(yaml!, InputLimits.MaxConfigMapBytes, "kubeadm ClusterConfiguration") is not null) return null;
            var config = new YamlDotNet.Serialization.Deserializer().Deserialize<Dictionary<string, object>>(yaml!);
            if (config?.GetValueOrDefault("networking") is not Dictionary<object, object> networking
                || networking.GetValueOrDefault("podSubnet") is not string podSubnet) return null;
            var subnets = podSubnet.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(text => IPNetwork.TryParse(text, out var subnet) ? subnet : (IPNetwork?)null).ToList();
            return subnets.Count > 0 && subnets.All(s => s is not null) ? subnets.Select(s => s!.Value).ToList() : null;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return null;
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return null; // not kubeadm's ClusterConfiguration: the node pod CIDRs are checked instead
        }
    }

    /// <summary>
    /// A SelfSubjectAccessReview for each write (and, for Calico, the watch) this job will make: all are allowed, or the
    /// step names those that are not.
    /// </summary>
    public async Task<StepOutcome> PermissionsAsync(IKubernetes client, StepContext ctx, CancellationToken ct)
    {
        var needed = ctx.Objects.Select(o => (verb: "patch", o.ApiVersion, o.Kind, o.Namespace)).ToList();
        needed.AddRange((await manifests.ForJobAsync(client, ctx, ct))
            .Select(o => (verb: "patch", o.ApiVersion, o.Kind, Namespace: (string?)o.Metadata.NamespaceProperty)));
        if (ctx.Spec.Backend == NetworkBackend.Calico) needed.Add(("watch", Tigera.ApiVersion, Tigera.StatusKind, null));
        else needed.Add(("patch", "apps/v1", "DaemonSet", ManifestRenderer.FlannelNamespace)); // the restart annotation
        var denied = new List<string>();
        foreach (var (verb, apiVersion, kind, ns) in needed.Distinct())
        {
            var (group, resource) = kind == Tigera.StatusKind ? (Tigera.Group, Tigera.StatusPlural)
                : ServerSideApply.ResourceOf(apiVersion, kind) ?? throw new ProvisioningException($"{apiVersion} {kind} cannot be applied by the provisioner.");
            var attributes = new V1ResourceAttributes { Verb = verb, Group = group, Resource = resource, NamespaceProperty = ns };
            var review = await client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(
                new V1SelfSubjectAccessReview { Spec = new V1SelfSubjectAccessReviewSpec { ResourceAttributes = attributes } }, cancellationToken: ct);
            if (review.Status?.Allowed != true) denied.Add($"{verb} {resource}{(group.Length > 0 ? "." + group : "")}{(ns is null ? "" : $" in {ns}")}");
        }
        if (denied.Count > 0)
        {
            throw new ProvisioningException(
                $"The kubeconfig's identity may not {string.Join("; ", denied.Distinct())}: grant these (e.g. a ClusterRole bound to it) and retry.");
        }
        return $"allowed: {string.Join("; ", needed.Select(n => $"{n.verb} {n.Kind}").Distinct())}";
    }
}
