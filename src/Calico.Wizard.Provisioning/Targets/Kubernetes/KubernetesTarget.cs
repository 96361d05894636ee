using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Input;
using Calico.Wizard.Core.Policies;
using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Store;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static System.FormattableString;

namespace Calico.Wizard.Provisioning.Targets.Kubernetes;

/// <summary>
/// A real cluster reached through its kubeconfig: a preflight checklist that writes nothing, then
/// server-side apply of each object, then a watch until Calico (or Flannel) reports ready.
/// </summary>
public sealed class KubernetesTarget(KubernetesTargetOptions target, KubernetesApplyOptions options, AppliedObjectStore applied) : IProvisioningTarget, IDisposable
{
    private readonly Lock clientGate = new();
    private IKubernetes? client;

    /// <summary>
    /// This target's one client, made on first use (not at start-up: a kubeconfig that is missing now is a failed
    /// step with a message, and one fixed later is used without a restart) and disposed with the target.
    /// </summary>
    private IKubernetes Client
    {
        get
        {
            lock (clientGate) return client ??= KubernetesConnection.Create(target, options);
        }
    }

    public void Dispose()
    {
        lock (clientGate) client?.Dispose();
    }

    public const string TigeraCrd = Tigera.InstallationCrd;
    private static readonly string[] CalicoRivals = ["flannel", "cilium", "weave"];
    private static readonly string[] FlannelRivals = ["calico-node", "cilium", "weave"];
    /// <summary>Pause before watching again after the server ended a watch: one cut short at once must not turn into a request loop.</summary>
    private static readonly TimeSpan RewatchDelay = TimeSpan.FromSeconds(1);

    public string Name => target.Name;
    public string Description => target.Description ?? $"Kubernetes cluster '{target.Name}' (context {target.Context ?? "current"})";

    public const string OperatorStep = "Preflight: Tigera operator present and knowing every field we send";
    public const string FlannelPresentStep = "Preflight: Flannel running or its manifest configured";
    public const string DryRunStep = "Preflight: server-side dry run of every object";
    public const string NetConfAnnotation = "calico-wizard.io/net-conf-sha256";
    /// <summary>The field manager of the restart annotation alone: an apply of only that field must not drop the fields the DaemonSet's own apply owns.</summary>
    public const string RestartFieldManager = "calico-wizard-restart";
    private const string FlannelDaemonSet = "kube-flannel-ds";

    public IReadOnlyList<PlannedStep> Plan(ClusterSpec spec, IReadOnlyList<RenderedObject> objects)
    {
        var calico = spec.Backend == NetworkBackend.Calico;
        var steps = new List<PlannedStep>
        {
            new("Preflight: API server reachable", (_, ct) => ApiReachableAsync(Client, ct)),
            calico
                ? new(OperatorStep, (ctx, ct) => OperatorKnowsOurFieldsAsync(Client, ctx, ct))
                : new(FlannelPresentStep, (_, ct) => FlannelPresentAsync(Client, ct)),
            new("Preflight: no other CNI DaemonSet", (_, ct) => NoOtherCniAsync(Client, calico ? CalicoRivals : FlannelRivals, ct)),
        };
        if (calico) steps.Add(new("Preflight: nodes fit the block size", (ctx, ct) => NodesFitAsync(Client, ctx.Spec, ct)));
        steps.Add(new("Preflight: cluster pod CIDR contains the Containers CIDR", (ctx, ct) => PodCidrAsync(Client, ctx.Spec, ct)));
        steps.Add(new("Preflight: permissions to apply", (ctx, ct) => PermissionsAsync(Client, ctx, ct)));
        steps.Add(new(DryRunStep, (ctx, ct) => DryRunAsync(Client, ctx, ct)));
        steps.Add(calico
            ? new("Apply the Tigera operator manifest", (ctx, ct) => ApplyOperatorManifestAsync(Client, ctx, ct))
            : new("Apply the Flannel manifest", (ctx, ct) => ApplyFlannelManifestAsync(Client, ctx, ct)));
        PlannedStep Apply(RenderedObject o) => new($"Apply {o.Key}", (ctx, ct) => ApplyAsync(Client, ctx, ctx.Objects.Single(x => x.Key == o.Key), ct));
        steps.AddRange(objects.Where(o => o.Kind != PolicyText.Kind).Select(Apply));
        if (!calico) steps.Add(new("Restart the Flannel pods if net-conf.json changed", (ctx, ct) => RestartFlannelAsync(Client, ctx, ct)));
        steps.Add(calico
            ? new("Wait for TigeraStatus calico Available", (ctx, ct) => WaitForCalicoAsync(Client, ctx, ct))
            : new("Wait for the Flannel DaemonSet rolled out and ready", (ctx, ct) => WaitForFlannelAsync(Client, ctx, ct)));
        steps.AddRange(objects.Where(o => o.Kind == PolicyText.Kind).Select(Apply)); // policies need a CNI that enforces them
        return steps.Select(Explained).ToList();
    }

    /// <summary>Any API error a step meets becomes the server's own words and what to check — never the raw response.</summary>
    private static PlannedStep Explained(PlannedStep step) => step with
    {
        Run = async (ctx, ct) =>
        {
            try { return await step.Run(ctx, ct); }
            catch (HttpOperationException e)
            {
                throw new ProvisioningException($"{KubernetesConnection.Describe(e)}." +
                    (e.Response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized ? " Check the permissions of the kubeconfig's identity." : ""));
            }
        },
    };

    private static async Task<StepOutcome> ApiReachableAsync(IKubernetes client, CancellationToken ct)
    {
        try
        {
            var version = await client.Version.GetCodeAsync(ct);
            return $"Kubernetes {version.GitVersion}";
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException)
        {
            throw new ProvisioningException($"The API server is not reachable: {KubernetesConnection.Describe(e)}. Check the target's kubeconfig, context and network path.");
        }
    }

    /// <summary>
    /// The Installation CRD the Installation will meet — the cluster's served one, or the operator manifest's when that is
    /// configured (it is applied first) — must declare and accept every field we send: an older operator refuses what it
    /// does not know, and we find out here, before anything is written, with the field's path.
    /// </summary>
    private async Task<StepOutcome> OperatorKnowsOurFieldsAsync(IKubernetes client, StepContext ctx, CancellationToken ct)
    {
        var manifestCrd = (await ConfiguredManifestAsync(options.OperatorManifest, ct)).OfType<V1CustomResourceDefinition>().FirstOrDefault(c => c.Metadata.Name == TigeraCrd);
        var served = await ReadCrdAsync(client, TigeraCrd, ct);
        if (served is null && options.OperatorManifest is not { Length: > 0 })
            throw new ProvisioningException($"The Tigera operator is not installed (CRD {TigeraCrd} missing) and no operator manifest is configured: download tigera-operator.yaml for your Calico version and set Provisioning:OperatorManifest to its path, or install the operator first.");
        var (crd, whose) = manifestCrd is not null
            ? (manifestCrd, $"the operator manifest {Path.GetFileName(options.OperatorManifest)}'s CRD (applied before the Installation)")
            : served is not null ? (served, "this cluster's Tigera operator")
            : throw new ProvisioningException($"The CRD {TigeraCrd} is missing and the operator manifest {Path.GetFileName(options.OperatorManifest)} (Provisioning:OperatorManifest) does not contain it: use the tigera-operator.yaml of a Calico release.");
        if (CrdSchema.Of(crd, Tigera.Version) is not { } schema)
            throw new ProvisioningException($"{whose} serves no {Tigera.ApiVersion} schema for Installation: {(manifestCrd is null ? "upgrade the Tigera operator" : "use the tigera-operator.yaml of a current Calico release")}.");
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

    /// <summary>The object a read returns, or null when the API server says it does not exist (404).</summary>
    private static async Task<T?> FindAsync<T>(Task<T> read) where T : class
    {
        try
        {
            return await read;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static Task<V1CustomResourceDefinition?> ReadCrdAsync(IKubernetes client, string name, CancellationToken ct) =>
        FindAsync(client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name, cancellationToken: ct));

    /// <summary>Flannel runs, or the configured Flannel manifest will install it; otherwise nothing would read the ConfigMap.</summary>
    private async Task<StepOutcome> FlannelPresentAsync(IKubernetes client, CancellationToken ct)
    {
        if (await ReadFlannelAsync(client, ct) is { } ds)
            return $"DaemonSet {ManifestRenderer.FlannelNamespace}/{FlannelDaemonSet} runs ({ds.Status?.NumberReady ?? 0}/{ds.Status?.DesiredNumberScheduled ?? 0} ready)";
        if (options.FlannelManifest is { Length: > 0 } manifest)
        {
            var objects = await ConfiguredManifestAsync(manifest, ct);
            if (!objects.Any(o => o.Kind == "DaemonSet" && o.Metadata.Name == FlannelDaemonSet && o.Metadata.NamespaceProperty == ManifestRenderer.FlannelNamespace))
                throw new ProvisioningException($"The Flannel manifest {Path.GetFileName(manifest)} (Provisioning:FlannelManifest) has no DaemonSet {ManifestRenderer.FlannelNamespace}/{FlannelDaemonSet}: use kube-flannel.yml of a Flannel release.");
            return $"Flannel is not installed: the Flannel manifest {Path.GetFileName(manifest)} will install it ({objects.Count} objects)";
        }
        throw new ProvisioningException($"Flannel is not installed on this cluster (no DaemonSet {ManifestRenderer.FlannelNamespace}/{FlannelDaemonSet}) and no Flannel manifest is configured: download kube-flannel.yml for your Flannel version and set Provisioning:FlannelManifest to its path, or install Flannel first.");
    }

    private static Task<V1DaemonSet?> ReadFlannelAsync(IKubernetes client, CancellationToken ct) =>
        FindAsync(client.AppsV1.ReadNamespacedDaemonSetAsync(FlannelDaemonSet, ManifestRenderer.FlannelNamespace, cancellationToken: ct));

    /// <summary>Whether the Flannel manifest is ours to apply: Flannel is absent, or it is the one an earlier run of ours installed (a retry finishes it).</summary>
    private async Task<bool> FlannelManifestAppliesAsync(IKubernetes client, CancellationToken ct) =>
        options.FlannelManifest is { Length: > 0 }
        && (await ReadFlannelAsync(client, ct) is not { } ds
            || ds.Metadata.ManagedFields?.Any(f => f.Manager == ServerSideApply.FieldManager && f.Operation == "Apply") == true);

    private static async Task<StepOutcome> NoOtherCniAsync(IKubernetes client, string[] rivals, CancellationToken ct)
    {
        var daemonSets = await client.AppsV1.ListDaemonSetForAllNamespacesAsync(cancellationToken: ct);
        var found = daemonSets.Items
            .Select(d => (d, rival: rivals.FirstOrDefault(r => d.Metadata.Name.Contains(r, StringComparison.OrdinalIgnoreCase))))
            .Where(x => x.rival is not null).ToList();
        if (found.Count > 0)
            throw new ProvisioningException($"Another CNI runs on this cluster: {string.Join(", ", found.Select(x => $"DaemonSet {x.d.Metadata.NamespaceProperty}/{x.d.Metadata.Name} ({x.rival})"))}. Two CNIs on one cluster break pod networking: remove it first.");
        return $"{daemonSets.Items.Count} DaemonSet(s), none of {string.Join(", ", rivals)}";
    }

    private static async Task<StepOutcome> NodesFitAsync(IKubernetes client, ClusterSpec spec, CancellationToken ct)
    {
        var nodes = await client.CoreV1.ListNodeAsync(cancellationToken: ct);
        var pools = new List<(IPNetwork Cidr, int Block, NetworkStack Family)> { (spec.ContainersCidr, spec.Calico!.BlockSize, spec.NetworkStack == NetworkStack.IPv6 ? NetworkStack.IPv6 : NetworkStack.IPv4) };
        if (spec.ContainersCidrV6 is { } v6 && spec.Calico.BlockSizeV6 is { } block6) pools.Add((v6, block6, NetworkStack.IPv6));
        var fits = new List<string>();
        foreach (var (cidr, block, family) in pools)
        {
            var capacity = BlockCapacity.Of(cidr.PrefixLength, block, family);
            if (nodes.Items.Count > capacity.MaxNodes)
                throw new ProvisioningException(Invariant($"The cluster has {nodes.Items.Count} nodes but block size {block} in {cidr} allows {capacity.MaxNodes:N0}: choose a larger block size or Containers CIDR."));
            fits.Add(Invariant($"block size {block} in {cidr} allows {capacity.MaxNodes:N0}"));
        }
        return $"{nodes.Items.Count} node(s); {string.Join("; ", fits)}";
    }

    private static async Task<StepOutcome> PodCidrAsync(IKubernetes client, ClusterSpec spec, CancellationToken ct)
    {
        var containers = spec.ContainersCidr;
        var podSubnets = await KubeadmPodSubnetsAsync(client, ct);
        if (podSubnets is not null)
        {
            IPNetwork[] ranges = spec.ContainersCidrV6 is { } v6 ? [containers, v6] : [containers];
            foreach (var range in ranges)
                if (!podSubnets.Any(s => s.BaseAddress.AddressFamily == range.BaseAddress.AddressFamily && s.Contains(range.BaseAddress) && s.PrefixLength <= range.PrefixLength))
                    throw new ProvisioningException($"The cluster's pod CIDR (kubeadm podSubnet {string.Join(",", podSubnets)}) does not contain the Containers CIDR {range}: pods would get addresses the cluster does not route. Use a Containers CIDR inside it.");
            return $"kubeadm podSubnet {string.Join(",", podSubnets)} contains {string.Join(" and ", ranges.Select(r => r.ToString()))}";
        }
        var nodes = await client.CoreV1.ListNodeAsync(cancellationToken: ct);
        var podCidrs = nodes.Items.Select(n => n.Spec?.PodCIDR).Where(c => !string.IsNullOrEmpty(c)).Select(c => IPNetwork.Parse(c!)).ToList();
        if (podCidrs.Count == 0) return "the cluster's pod CIDR is not readable (no kubeadm-config, no node podCIDR): not checked";
        var outside = podCidrs.Where(c => c.BaseAddress.AddressFamily == containers.BaseAddress.AddressFamily && !StrictCidr.Overlap(c, containers) ).ToList();
        if (outside.Count > 0)
            throw new ProvisioningException($"Node pod CIDRs {string.Join(", ", outside)} lie outside the Containers CIDR {containers}: the cluster was set up with another pod network.");
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

    /// <summary>The manifest objects this job will apply before the rendered ones: the operator's, or Flannel's when it is ours to install.</summary>
    private async Task<IReadOnlyList<IKubernetesObject<V1ObjectMeta>>> ManifestObjectsAsync(IKubernetes client, StepContext ctx, CancellationToken ct) =>
        ctx.Spec.Backend == NetworkBackend.Calico ? await ConfiguredManifestAsync(options.OperatorManifest, ct)
        : await FlannelManifestAppliesAsync(client, ct) ? FlannelManifestObjects(await ConfiguredManifestAsync(options.FlannelManifest, ct))
        : [];

    /// <summary>Flannel's manifest without its own kube-flannel-cfg: the wizard's ConfigMap (the Containers CIDR) replaces it.</summary>
    private static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> FlannelManifestObjects(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> manifest) =>
        manifest.Where(o => !(o.Kind == "ConfigMap" && o.Metadata.Name == ManifestRenderer.FlannelConfigMap)).ToList();

    private async Task<StepOutcome> PermissionsAsync(IKubernetes client, StepContext ctx, CancellationToken ct)
    {
        var needed = ctx.Objects.Select(o => (verb: "patch", o.ApiVersion, o.Kind, o.Namespace)).ToList();
        needed.AddRange((await ManifestObjectsAsync(client, ctx, ct)).Select(o => (verb: "patch", o.ApiVersion, o.Kind, Namespace: (string?)o.Metadata.NamespaceProperty)));
        if (ctx.Spec.Backend == NetworkBackend.Calico) needed.Add(("watch", Tigera.ApiVersion, Tigera.StatusKind, null));
        else needed.Add(("patch", "apps/v1", "DaemonSet", ManifestRenderer.FlannelNamespace)); // the restart annotation
        var denied = new List<string>();
        foreach (var (verb, apiVersion, kind, ns) in needed.Distinct())
        {
            var (group, resource) = kind == Tigera.StatusKind ? (Tigera.Group, Tigera.StatusPlural)
                : ServerSideApply.ResourceOf(apiVersion, kind) ?? throw new ProvisioningException($"{apiVersion} {kind} cannot be applied by the provisioner.");
            var review = await client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(new V1SelfSubjectAccessReview
            {
                Spec = new V1SelfSubjectAccessReviewSpec { ResourceAttributes = new V1ResourceAttributes { Verb = verb, Group = group, Resource = resource, NamespaceProperty = ns } },
            }, cancellationToken: ct);
            if (review.Status?.Allowed != true) denied.Add($"{verb} {resource}{(group.Length > 0 ? "." + group : "")}{(ns is null ? "" : $" in {ns}")}");
        }
        if (denied.Count > 0)
            throw new ProvisioningException($"The kubeconfig's identity may not {string.Join("; ", denied.Distinct())}: grant these (e.g. a ClusterRole bound to it) and retry.");
        return $"allowed: {string.Join("; ", needed.Select(n => $"{n.verb} {n.Kind}").Distinct())}";
    }

    /// <summary>Each configured manifest as last parsed, with the file's time and size then: parsed once per version, not once per step.</summary>
    private readonly ConcurrentDictionary<string, (DateTime Written, long Length, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects)> manifests = new();

    /// <summary>The objects of a configured manifest file, or none when it is not configured.</summary>
    private async Task<IReadOnlyList<IKubernetesObject<V1ObjectMeta>>> ConfiguredManifestAsync(string? path, CancellationToken ct)
    {
        if (path is not { Length: > 0 }) return [];
        var file = new FileInfo(path);
        if (!file.Exists) throw new ProvisioningException($"The manifest {path} configured on the server does not exist.");
        if (manifests.TryGetValue(path, out var cached) && cached.Written == file.LastWriteTimeUtc && cached.Length == file.Length) return cached.Objects;
        var documents = KubernetesYaml.LoadAllFromString(await File.ReadAllTextAsync(path, ct));
        var objects = documents.Select(d => d as IKubernetesObject<V1ObjectMeta>
            ?? throw new ProvisioningException($"The manifest {Path.GetFileName(path)} holds an object without metadata ({d?.GetType().Name}).")).ToList();
        manifests[path] = (file.LastWriteTimeUtc, file.Length, objects);
        return objects;
    }

    /// <summary>
    /// Every object this job will write, applied with dryRun=All in the order it will be applied: the API server runs
    /// admission, its schema and strict field validation, and persists nothing. Any refusal fails the job here, before
    /// the first write, naming the object and the server's words. An object whose namespace or CRD an earlier object of
    /// this job creates cannot be judged yet: it is named as not dry-run (a custom object's schema was checked in preflight against
    /// the CRD the job applies).
    /// </summary>
    private async Task<StepOutcome> DryRunAsync(IKubernetes client, StepContext ctx, CancellationToken ct)
    {
        var manifest = await ManifestObjectsAsync(client, ctx, ct);
        var all = manifest.Select(o => (Key: RenderedObject.KeyOf(o.Kind, o.Metadata.NamespaceProperty, o.Metadata.Name), o.ApiVersion, o.Kind, Ns: (string?)o.Metadata.NamespaceProperty, o.Metadata.Name, Body: (object)o))
            .Concat(ctx.Objects.Select(o => (o.Key, o.ApiVersion, o.Kind, Ns: o.Namespace, o.Name, o.Body))).ToList();
        var createdNamespaces = all.Where(o => o.Kind == "Namespace").Select(o => o.Name).ToHashSet();
        var createdCrds = all.Where(o => o.Kind == "CustomResourceDefinition").Select(o => o.Name).ToHashSet();
        var missingNamespaces = new HashSet<string>();
        foreach (var ns in all.Select(o => o.Ns).OfType<string>().Where(createdNamespaces.Contains).Distinct())
            if (await FindAsync(client.CoreV1.ReadNamespaceAsync(ns, cancellationToken: ct)) is null) missingNamespaces.Add(ns);

        var apply = new ServerSideApply(client);
        var accepted = 0;
        var notYet = new List<string>();
        var refused = new List<string>();
        foreach (var o in all)
        {
            if (o.Ns is { } ns && missingNamespaces.Contains(ns)) { notYet.Add($"{o.Key} (namespace {ns} is created by this job)"); continue; }
            // the CRD this job applies may differ from the one served now: such objects were checked against the manifest's CRD in preflight
            if (ServerSideApply.ResourceOf(o.ApiVersion, o.Kind) is { } r && createdCrds.Contains($"{r.Plural}.{r.Group}")) { notYet.Add($"{o.Key} (its CRD comes with this job's manifest)"); continue; }
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


    private async Task<StepOutcome> ApplyOperatorManifestAsync(IKubernetes client, StepContext ctx, CancellationToken ct)
    {
        if (options.OperatorManifest is not { Length: > 0 } path) return StepOutcome.Skip("no operator manifest configured (the CRD is present)");
        return await ApplyManifestAsync(client, ctx, path, await ConfiguredManifestAsync(path, ct), ct);
    }

    private async Task<StepOutcome> ApplyFlannelManifestAsync(IKubernetes client, StepContext ctx, CancellationToken ct)
    {
        if (!await FlannelManifestAppliesAsync(client, ct))
            return StepOutcome.Skip(options.FlannelManifest is { Length: > 0 }
                ? $"Flannel already runs (DaemonSet {ManifestRenderer.FlannelNamespace}/{FlannelDaemonSet}, not installed by the wizard): its manifest is not applied"
                : "Flannel already runs and no Flannel manifest is configured");
        var path = options.FlannelManifest!;
        return await ApplyManifestAsync(client, ctx, path, FlannelManifestObjects(await ConfiguredManifestAsync(path, ct)), ct);
    }

    private async Task<StepOutcome> ApplyManifestAsync(IKubernetes client, StepContext ctx, string path, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> documents, CancellationToken ct)
    {
        var apply = new ServerSideApply(client);
        var crds = new List<string>();
        var changed = 0;
        foreach (var o in documents)
        {
            var key = RenderedObject.KeyOf(o.Kind, o.Metadata.NamespaceProperty, o.Metadata.Name);
            if (await ApplyTrackedAsync(apply, ctx, key, o.ApiVersion, o.Kind, o.Metadata.NamespaceProperty, o.Metadata.Name, o, ct)) changed++;
            if (o.Kind == "CustomResourceDefinition") crds.Add(o.Metadata.Name);
        }
        foreach (var crd in crds) await WaitForCrdEstablishedAsync(client, crd, ct);
        return $"{documents.Count} object(s) from {Path.GetFileName(path)}: {changed} changed, {documents.Count - changed} unchanged; {crds.Count} CRD(s) Established";
    }

    private async Task<StepOutcome> ApplyAsync(IKubernetes client, StepContext ctx, RenderedObject o, CancellationToken ct)
    {
        var changed = await ApplyTrackedAsync(new ServerSideApply(client), ctx, o.Key, o.ApiVersion, o.Kind, o.Namespace, o.Name, o.Body, ct);
        return changed ? $"applied (server-side, field manager {ServerSideApply.FieldManager})" : "unchanged";
    }

    /// <returns>Whether the object changed since this target last applied it: its generation, or for kinds without one its content (one request per object).</returns>
    private async Task<bool> ApplyTrackedAsync(ServerSideApply apply, StepContext ctx, string key, string apiVersion, string kind, string? ns, string name, object body, CancellationToken ct)
    {
        var before = await applied.LastMarkAsync(ctx.ClusterId, Name, key, ct);
        var after = await apply.ApplyAsync(apiVersion, kind, ns, name, body, ct);
        await applied.RecordAsync(ctx.ClusterId, Name, key, after.Mark, ct);
        var changed = before is null || before != after.Mark;
        ctx.Log($"{key}: {(changed ? "applied" : "unchanged")} ({after.Mark}, resourceVersion {after.ResourceVersion})");
        return changed;
    }

    /// <summary>
    /// Flannel reads net-conf.json only when its pods start: the pod template carries the hash of the one applied, so a
    /// changed ConfigMap rolls the DaemonSet's pods and an unchanged one leaves them be (and a run again restarts nothing).
    /// </summary>
    private async Task<StepOutcome> RestartFlannelAsync(IKubernetes client, StepContext ctx, CancellationToken ct)
    {
        var config = ctx.Objects.Select(o => o.Body).OfType<V1ConfigMap>().Single(c => c.Metadata.Name == ManifestRenderer.FlannelConfigMap);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(config.Data["net-conf.json"])));
        var ds = await ReadFlannelAsync(client, ct)
            ?? throw new ProvisioningException($"The DaemonSet {ManifestRenderer.FlannelNamespace}/{FlannelDaemonSet} is gone: install Flannel (or configure Provisioning:FlannelManifest) and retry.");
        if (ds.Spec?.Template?.Metadata?.Annotations is { } annotations && annotations.TryGetValue(NetConfAnnotation, out var running) && running == hash)
            return StepOutcome.Skip($"the pods already run this net-conf.json ({NetConfAnnotation} {hash[..12]})");
        var restart = new V1DaemonSet
        {
            ApiVersion = "apps/v1",
            Kind = "DaemonSet",
            Metadata = new V1ObjectMeta { Name = FlannelDaemonSet, NamespaceProperty = ManifestRenderer.FlannelNamespace },
            Spec = new V1DaemonSetSpec { Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Annotations = new Dictionary<string, string> { [NetConfAnnotation] = hash } } } },
        };
        var result = await new ServerSideApply(client).ApplyAsync("apps/v1", "DaemonSet", ManifestRenderer.FlannelNamespace, FlannelDaemonSet, restart, ct, fieldManager: RestartFieldManager);
        // our own write: the manifest's next apply of this DaemonSet compares with the generation it has now
        await applied.RecordAsync(ctx.ClusterId, Name, RenderedObject.KeyOf("DaemonSet", ManifestRenderer.FlannelNamespace, FlannelDaemonSet), result.Mark, ct);
        return $"net-conf.json changed: the pod template now carries {NetConfAnnotation} {hash[..12]} ({result.Mark}), so the DaemonSet restarts its pods";
    }

    private async Task WaitForCrdEstablishedAsync(IKubernetes client, string name, CancellationToken ct)
    {
        await WatchUntilAsync(client, "apiextensions.k8s.io", "v1", "customresourcedefinitions", name, options.CrdEstablishedTimeout,
            o => Condition(o, "Established") == "True" ? "Established" : null, ct,
            () => $"The CRD {name} was not Established within {options.CrdEstablishedTimeout}: check the API server's logs.");
    }

    private static readonly string[] StatusConditions = ["Available", "Progressing", "Degraded"];

    /// <summary>Waits for calico Available, logging each change of its Available / Progressing / Degraded conditions; a timeout quotes the last ones.</summary>
    private async Task<StepOutcome> WaitForCalicoAsync(IKubernetes client, StepContext ctx, CancellationToken ct)
    {
        string? last = null;
        return await WatchUntilAsync(client, Tigera.Group, Tigera.Version, Tigera.StatusPlural, Tigera.CalicoStatus, options.ReadinessTimeout,
            o =>
            {
                var now = string.Join(", ", StatusConditions.Select(type => DescribeCondition(o, type)));
                if (now != last) ctx.Log($"TigeraStatus calico: {now}");
                last = now;
                return Condition(o, "Available") == "True" ? "TigeraStatus calico is Available" : null;
            }, ct,
            () => $"Calico did not become Available within {options.ReadinessTimeout}; " +
                (last is null ? "TigeraStatus calico never appeared (is the tigera-operator running?)" : $"last conditions: {last}") +
                ". Look at `kubectl get tigerastatus calico -o yaml` and the tigera-operator logs, then retry.");
    }

    /// <summary>"Degraded=True (CalicoNodeNotReady: DaemonSet calico-system/calico-node: 0/3 pods ready)", or "Available=?" when absent.</summary>
    private static string DescribeCondition(JsonElement o, string type)
    {
        if (FindCondition(o, type) is not { } c) return $"{type}=?";
        var status = c.GetProperty("status").GetString();
        var reason = c.TryGetProperty("reason", out var r) ? r.GetString() : null;
        var message = c.TryGetProperty("message", out var m) ? m.GetString() : null;
        var why = string.Join(": ", new[] { reason, message }.Where(x => !string.IsNullOrWhiteSpace(x)));
        return why.Length == 0 ? $"{type}={status}" : $"{type}={status} ({why})";
    }

    /// <summary>Watches one custom object until <paramref name="ready"/> says so.</summary>
    private static Task<string> WatchUntilAsync(IKubernetes client, string group, string version, string plural, string name, TimeSpan timeout,
        Func<JsonElement, string?> ready, CancellationToken ct, Func<string> timeoutMessage) =>
        WatchUntilAsync(
            token => client.CustomObjects.WatchListClusterCustomObjectAsync(group, version, plural,
                fieldSelector: $"metadata.name={name}", timeoutSeconds: (int)Math.Clamp(timeout.TotalSeconds, 1, 300), cancellationToken: token),
            item => ready(item as JsonElement? ?? JsonSerializer.SerializeToElement(item)), timeout, timeoutMessage, ct);

    /// <summary>Until the DaemonSet has rolled out its current template (observedGeneration, updated pods) and every pod is ready.</summary>
    private async Task<StepOutcome> WaitForFlannelAsync(IKubernetes client, StepContext ctx, CancellationToken ct)
    {
        string? last = null;
        return await WatchUntilAsync(
            token => client.AppsV1.WatchListNamespacedDaemonSetAsync(ManifestRenderer.FlannelNamespace, fieldSelector: $"metadata.name={FlannelDaemonSet}", cancellationToken: token),
            ds =>
            {
                var s = ds.Status;
                var rolledOut = s is not null && (s.ObservedGeneration ?? 0) >= (ds.Metadata.Generation ?? 0) && (s.UpdatedNumberScheduled ?? s.CurrentNumberScheduled) == s.DesiredNumberScheduled;
                var now = Invariant($"{s?.UpdatedNumberScheduled ?? 0}/{s?.DesiredNumberScheduled ?? 0} updated, {s?.NumberReady ?? 0}/{s?.DesiredNumberScheduled ?? 0} ready");
                if (now != last) ctx.Log($"DaemonSet {ManifestRenderer.FlannelNamespace}/{FlannelDaemonSet}: {now}");
                last = now;
                return s is { DesiredNumberScheduled: > 0 } && rolledOut && s.NumberReady == s.DesiredNumberScheduled
                    ? $"DaemonSet {ManifestRenderer.FlannelNamespace}/{FlannelDaemonSet}: {s.NumberReady}/{s.DesiredNumberScheduled} ready, rolled out"
                    : null;
            },
            options.ReadinessTimeout,
            () => $"Flannel was not ready within {options.ReadinessTimeout} (last: {last ?? "no DaemonSet"}): look at `kubectl -n kube-flannel get ds {FlannelDaemonSet}` and its pods, then retry.",
            ct);
    }

    /// <summary>
    /// Watches (a watch, not a polling loop) until <paramref name="ready"/> says so, re-watching after a pause when the
    /// server closes the stream or ends it before any event (the object does not exist yet); fails after <paramref name="timeout"/>.
    /// </summary>
    private static async Task<string> WatchUntilAsync<T>(Func<CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch, Func<T, string?> ready,
        TimeSpan timeout, Func<string> timeoutMessage, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                try
                {
                    await foreach (var (type, item) in watch(deadline.Token))
                    {
                        if (type is WatchEventType.Added or WatchEventType.Modified && ready(item) is { } done) return done;
                    }
                }
                catch (HttpRequestException e) when (IsEmptyWatch(e))
                {
                    // the server ended a watch that had nothing to report
                }
                await Task.Delay(RewatchDelay, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ProvisioningException(timeoutMessage());
        }
    }

    /// <summary>The client throws this when a watch response ends before its first event: for a watch, just its end.</summary>
    private static bool IsEmptyWatch(HttpRequestException e) => e.InnerException is EndOfStreamException;

    private static string? Condition(JsonElement o, string type) => FindCondition(o, type)?.GetProperty("status").GetString();

    private static JsonElement? FindCondition(JsonElement o, string type)
    {
        if (!o.TryGetProperty("status", out var status) || !status.TryGetProperty("conditions", out var conditions) || conditions.ValueKind != JsonValueKind.Array) return null;
        foreach (var c in conditions.EnumerateArray())
            if (c.TryGetProperty("type", out var t) && t.GetString() == type && c.TryGetProperty("status", out _)) return c;
        return null;
    }
}
