using System.Net;
using System.Text.Json;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
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

    public IReadOnlyList<PlannedStep> Plan(ClusterSpec spec, IReadOnlyList<RenderedObject> objects)
    {
        var calico = spec.Backend == NetworkBackend.Calico;
        var steps = new List<PlannedStep>
        {
            new("Preflight: API server reachable", (_, ct) => ApiReachableAsync(Client, ct)),
        };
        if (calico) steps.Add(new("Preflight: Tigera operator CRD present or manifest configured", (_, ct) => OperatorAvailableAsync(Client, ct)));
        steps.Add(new("Preflight: no other CNI DaemonSet", (_, ct) => NoOtherCniAsync(Client, calico ? CalicoRivals : FlannelRivals, ct)));
        if (calico) steps.Add(new("Preflight: nodes fit the block size", (ctx, ct) => NodesFitAsync(Client, ctx.Spec, ct)));
        steps.Add(new("Preflight: cluster pod CIDR contains the Containers CIDR", (ctx, ct) => PodCidrAsync(Client, ctx.Spec, ct)));
        steps.Add(new("Preflight: permissions to apply", (ctx, ct) => PermissionsAsync(Client, ctx.Objects, ct)));
        if (calico) steps.Add(new("Apply the Tigera operator manifest", (ctx, ct) => ApplyOperatorManifestAsync(Client, ctx, ct)));
        PlannedStep Apply(RenderedObject o) => new($"Apply {o.Key}", (ctx, ct) => ApplyAsync(Client, ctx, ctx.Objects.Single(x => x.Key == o.Key), ct));
        steps.AddRange(objects.Where(o => o.Kind != PolicyText.Kind).Select(Apply));
        steps.Add(calico
            ? new("Wait for TigeraStatus calico Available", (ctx, ct) => WaitForCalicoAsync(Client, ctx, ct))
            : new("Wait for the Flannel DaemonSet ready", (_, ct) => WaitForFlannelAsync(Client, ct)));
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

    private static async Task<string> ApiReachableAsync(IKubernetes client, CancellationToken ct)
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

    private async Task<string> OperatorAvailableAsync(IKubernetes client, CancellationToken ct)
    {
        if (await CrdExistsAsync(client, TigeraCrd, ct)) return $"CRD {TigeraCrd} is present";
        if (options.OperatorManifest is { Length: > 0 } manifest)
        {
            if (!File.Exists(manifest))
                throw new ProvisioningException($"The CRD {TigeraCrd} is missing and the operator manifest {manifest} (Provisioning:OperatorManifest) does not exist on the server.");
            return $"CRD {TigeraCrd} is missing: the operator manifest {Path.GetFileName(manifest)} will install it";
        }
        throw new ProvisioningException($"The Tigera operator is not installed (CRD {TigeraCrd} missing) and no operator manifest is configured: download tigera-operator.yaml for your Calico version and set Provisioning:OperatorManifest to its path, or install the operator first.");
    }

    private static async Task<bool> CrdExistsAsync(IKubernetes client, string name, CancellationToken ct)
    {
        try
        {
            await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name, cancellationToken: ct);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private static async Task<string> NoOtherCniAsync(IKubernetes client, string[] rivals, CancellationToken ct)
    {
        var daemonSets = await client.AppsV1.ListDaemonSetForAllNamespacesAsync(cancellationToken: ct);
        var found = daemonSets.Items
            .Select(d => (d, rival: rivals.FirstOrDefault(r => d.Metadata.Name.Contains(r, StringComparison.OrdinalIgnoreCase))))
            .Where(x => x.rival is not null).ToList();
        if (found.Count > 0)
            throw new ProvisioningException($"Another CNI runs on this cluster: {string.Join(", ", found.Select(x => $"DaemonSet {x.d.Metadata.NamespaceProperty}/{x.d.Metadata.Name} ({x.rival})"))}. Two CNIs on one cluster break pod networking: remove it first.");
        return $"{daemonSets.Items.Count} DaemonSet(s), none of {string.Join(", ", rivals)}";
    }

    private static async Task<string> NodesFitAsync(IKubernetes client, ClusterSpec spec, CancellationToken ct)
    {
        var nodes = await client.CoreV1.ListNodeAsync(cancellationToken: ct);
        var capacity = BlockCapacity.Of(spec.ContainersCidr.PrefixLength, spec.Calico!.BlockSize, spec.NetworkStack);
        if (nodes.Items.Count > capacity.MaxNodes)
            throw new ProvisioningException(Invariant($"The cluster has {nodes.Items.Count} nodes but block size {spec.Calico.BlockSize} in {spec.ContainersCidr} allows {capacity.MaxNodes:N0}: choose a larger block size or Containers CIDR."));
        return Invariant($"{nodes.Items.Count} node(s); block size {spec.Calico.BlockSize} allows {capacity.MaxNodes:N0}");
    }

    private static async Task<string> PodCidrAsync(IKubernetes client, ClusterSpec spec, CancellationToken ct)
    {
        var containers = spec.ContainersCidr;
        var podSubnets = await KubeadmPodSubnetsAsync(client, ct);
        if (podSubnets is not null)
        {
            var sameFamily = podSubnets.Where(s => s.BaseAddress.AddressFamily == containers.BaseAddress.AddressFamily).ToList();
            if (sameFamily.Any(s => s.Contains(containers.BaseAddress) && s.PrefixLength <= containers.PrefixLength))
                return $"kubeadm podSubnet {string.Join(",", podSubnets)} contains {containers}";
            throw new ProvisioningException($"The cluster's pod CIDR (kubeadm podSubnet {string.Join(",", podSubnets)}) does not contain the Containers CIDR {containers}: pods would get addresses the cluster does not route. Use a Containers CIDR inside it.");
        }
        var nodes = await client.CoreV1.ListNodeAsync(cancellationToken: ct);
        var podCidrs = nodes.Items.Select(n => n.Spec?.PodCIDR).Where(c => !string.IsNullOrEmpty(c)).Select(c => IPNetwork.Parse(c!)).ToList();
        if (podCidrs.Count == 0) return "the cluster's pod CIDR is not readable (no kubeadm-config, no node podCIDR): not checked";
        var outside = podCidrs.Where(c => c.BaseAddress.AddressFamily == containers.BaseAddress.AddressFamily && !StrictCidr.Overlap(c, containers) ).ToList();
        if (outside.Count > 0)
            throw new ProvisioningException($"Node pod CIDRs {string.Join(", ", outside)} lie outside the Containers CIDR {containers}: the cluster was set up with another pod network.");
        return $"node pod CIDRs {string.Join(", ", podCidrs.Distinct())} lie in {containers}";
    }

    private static async Task<List<IPNetwork>?> KubeadmPodSubnetsAsync(IKubernetes client, CancellationToken ct)
    {
        try
        {
            var map = await client.CoreV1.ReadNamespacedConfigMapAsync("kubeadm-config", "kube-system", cancellationToken: ct);
            if (map.Data?.TryGetValue("ClusterConfiguration", out var yaml) != true) return null;
            var config = new YamlDotNet.Serialization.Deserializer().Deserialize<Dictionary<string, object>>(yaml!);
            if (config?.GetValueOrDefault("networking") is not Dictionary<object, object> networking
                || networking.GetValueOrDefault("podSubnet") is not string podSubnet) return null;
            return podSubnet.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(IPNetwork.Parse).ToList();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return null;
        }
    }

    private async Task<string> PermissionsAsync(IKubernetes client, IReadOnlyList<RenderedObject> objects, CancellationToken ct)
    {
        var needed = objects.Select(o => (verb: "patch", o.ApiVersion, o.Kind, o.Namespace)).ToList();
        if (objects.Any(o => o.Kind == Tigera.InstallationKind))
        {
            needed.AddRange((await OperatorManifestAsync(ct)).Select(o => (verb: "patch", o.ApiVersion, o.Kind, Namespace: (string?)o.Metadata.NamespaceProperty)));
            needed.Add(("watch", Tigera.ApiVersion, Tigera.StatusKind, null));
        }
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

    /// <summary>The objects of Provisioning:OperatorManifest, or none when it is not configured.</summary>
    private async Task<IReadOnlyList<IKubernetesObject<V1ObjectMeta>>> OperatorManifestAsync(CancellationToken ct)
    {
        if (options.OperatorManifest is not { Length: > 0 } path || !File.Exists(path)) return [];
        var documents = KubernetesYaml.LoadAllFromString(await File.ReadAllTextAsync(path, ct));
        return documents.Select(d => d as IKubernetesObject<V1ObjectMeta>
            ?? throw new ProvisioningException($"The operator manifest holds an object without metadata ({d?.GetType().Name}).")).ToList();
    }

    private async Task<string> ApplyOperatorManifestAsync(IKubernetes client, StepContext ctx, CancellationToken ct)
    {
        if (options.OperatorManifest is not { Length: > 0 } path) return "skipped: no operator manifest configured (the CRD is present)";
        var documents = await OperatorManifestAsync(ct);
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

    private async Task<string> ApplyAsync(IKubernetes client, StepContext ctx, RenderedObject o, CancellationToken ct)
    {
        var changed = await ApplyTrackedAsync(new ServerSideApply(client), ctx, o.Key, o.ApiVersion, o.Kind, o.Namespace, o.Name, o.Body, ct);
        return changed ? $"applied (server-side, field manager {ServerSideApply.FieldManager})" : "unchanged";
    }

    /// <returns>Whether our content changed, by the mark the last apply of this object returned (one request per object).</returns>
    private async Task<bool> ApplyTrackedAsync(ServerSideApply apply, StepContext ctx, string key, string apiVersion, string kind, string? ns, string name, object body, CancellationToken ct)
    {
        var before = await applied.LastMarkAsync(ctx.ClusterId, Name, key, ct);
        var after = await apply.ApplyAsync(apiVersion, kind, ns, name, body, ct);
        await applied.RecordAsync(ctx.ClusterId, Name, key, after.Mark, ct);
        var changed = before is null || before != after.Mark;
        ctx.Log($"{key}: {(changed ? "applied" : "unchanged")} (resourceVersion {after.ResourceVersion})");
        return changed;
    }

    private async Task WaitForCrdEstablishedAsync(IKubernetes client, string name, CancellationToken ct)
    {
        await WatchUntilAsync(client, "apiextensions.k8s.io", "v1", "customresourcedefinitions", name, options.CrdEstablishedTimeout,
            o => Condition(o, "Established") == "True" ? "Established" : null, ct,
            $"The CRD {name} was not Established within {options.CrdEstablishedTimeout}: check the API server's logs.");
    }

    private Task<string> WaitForCalicoAsync(IKubernetes client, StepContext ctx, CancellationToken ct) =>
        WatchUntilAsync(client, Tigera.Group, Tigera.Version, Tigera.StatusPlural, Tigera.CalicoStatus, options.ReadinessTimeout,
            o =>
            {
                if (Condition(o, "Degraded") == "True") ctx.Log($"calico is Degraded: {ConditionMessage(o, "Degraded")}");
                return Condition(o, "Available") == "True" ? "TigeraStatus calico is Available" : null;
            }, ct,
            $"Calico did not become Available within {options.ReadinessTimeout}: look at `kubectl get tigerastatus calico -o yaml` and the tigera-operator logs, then retry.");

    /// <summary>Watches one custom object until <paramref name="ready"/> says so.</summary>
    private static Task<string> WatchUntilAsync(IKubernetes client, string group, string version, string plural, string name, TimeSpan timeout,
        Func<JsonElement, string?> ready, CancellationToken ct, string timeoutMessage) =>
        WatchUntilAsync(
            token => client.CustomObjects.WatchListClusterCustomObjectAsync(group, version, plural,
                fieldSelector: $"metadata.name={name}", timeoutSeconds: (int)Math.Clamp(timeout.TotalSeconds, 1, 300), cancellationToken: token),
            item => ready(item as JsonElement? ?? JsonSerializer.SerializeToElement(item)), timeout, timeoutMessage, ct);

    private Task<string> WaitForFlannelAsync(IKubernetes client, CancellationToken ct)
    {
        const string daemonSet = "kube-flannel-ds";
        return WatchUntilAsync(
            token => client.AppsV1.WatchListNamespacedDaemonSetAsync(ManifestRenderer.FlannelNamespace, fieldSelector: $"metadata.name={daemonSet}", cancellationToken: token),
            ds => ds.Status is { DesiredNumberScheduled: > 0 } s && s.NumberReady == s.DesiredNumberScheduled
                ? $"DaemonSet {ManifestRenderer.FlannelNamespace}/{daemonSet}: {s.NumberReady}/{s.DesiredNumberScheduled} ready"
                : null,
            options.ReadinessTimeout,
            $"Flannel was not ready within {options.ReadinessTimeout}: look at `kubectl -n kube-flannel get ds {daemonSet}` and its pods, then retry.",
            ct);
    }

    /// <summary>
    /// Watches (a watch, not a polling loop) until <paramref name="ready"/> says so, re-watching after a pause when the
    /// server closes the stream or ends it before any event (the object does not exist yet); fails after <paramref name="timeout"/>.
    /// </summary>
    private static async Task<string> WatchUntilAsync<T>(Func<CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch, Func<T, string?> ready,
        TimeSpan timeout, string timeoutMessage, CancellationToken ct)
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
            throw new ProvisioningException(timeoutMessage);
        }
    }

    /// <summary>The client throws this when a watch response ends before its first event: for a watch, just its end.</summary>
    private static bool IsEmptyWatch(HttpRequestException e) => e.InnerException is EndOfStreamException;

    private static string? Condition(JsonElement o, string type) => FindCondition(o, type)?.GetProperty("status").GetString();

    private static string? ConditionMessage(JsonElement o, string type) =>
        FindCondition(o, type) is { } c && c.TryGetProperty("message", out var m) ? m.GetString() : null;

    private static JsonElement? FindCondition(JsonElement o, string type)
    {
        if (!o.TryGetProperty("status", out var status) || !status.TryGetProperty("conditions", out var conditions) || conditions.ValueKind != JsonValueKind.Array) return null;
        foreach (var c in conditions.EnumerateArray())
            if (c.TryGetProperty("type", out var t) && t.GetString() == type && c.TryGetProperty("status", out _)) return c;
        return null;
    }
}
