using System.Security.Cryptography;
using System.Text;
using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Store;
using k8s;
using k8s.Models;

namespace Calico.Wizard.Provisioning.Targets.Kubernetes;

/// <summary>
/// The writes: the configured manifest (the operator's, or Flannel's when it is ours to install) and each rendered
/// object by server-side apply, each recorded with the mark that says whether it changed since this target last applied
/// it; then, for Flannel, the pod restart a changed net-conf.json needs.
/// </summary>
internal sealed class KubernetesApply(
    string targetName, KubernetesApplyOptions options, AppliedObjectStore applied, ConfiguredManifests manifests, KubernetesReadiness readiness)
{
    public async Task<StepOutcome> ApplyOperatorManifestAsync(IKubernetes client, StepContext ctx, CancellationToken ct)
    {
        if (options.OperatorManifest is not { Length: > 0 } path) return StepOutcome.Skip("no operator manifest configured (the CRD is present)");
        return await ApplyManifestAsync(client, ctx, path, await manifests.ObjectsAsync(path, ct), ct);
    }

    public async Task<StepOutcome> ApplyFlannelManifestAsync(IKubernetes client, StepContext ctx, CancellationToken ct)
    {
        if (!await manifests.FlannelManifestAppliesAsync(client, ct))
        {
            return StepOutcome.Skip(options.FlannelManifest is { Length: > 0 }
                ? $"Flannel already runs (DaemonSet {ManifestRenderer.FlannelNamespace}/{KubernetesReads.FlannelDaemonSet}, not installed by the wizard): " +
                    "its manifest is not applied"
                : "Flannel already runs and no Flannel manifest is configured");
        }
        var path = options.FlannelManifest!;
        return await ApplyManifestAsync(client, ctx, path, ConfiguredManifests.FlannelObjects(await manifests.ObjectsAsync(path, ct)), ct);
    }

    private async Task<StepOutcome> ApplyManifestAsync(IKubernetes client, StepContext ctx, string path,
        IReadOnlyList<IKubernetesObject<V1ObjectMeta>> documents, CancellationToken ct)
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
        foreach (var crd in crds) await readiness.WaitForCrdEstablishedAsync(client, crd, ct);
        return $"{documents.Count} object(s) from {Path.GetFileName(path)}: {changed} changed, {documents.Count - changed} unchanged; " +
            $"{crds.Count} CRD(s) Established";
    }

    public async Task<StepOutcome> ApplyAsync(IKubernetes client, StepContext ctx, RenderedObject o, CancellationToken ct)
    {
        var changed = await ApplyTrackedAsync(new ServerSideApply(client), ctx, o.Key, o.ApiVersion, o.Kind, o.Namespace, o.Name, o.Body, ct);
        return changed ? $"applied (server-side, field manager {ServerSideApply.FieldManager})" : "unchanged";
    }

    /// <returns>
    /// Whether the object changed since this target last applied it: its generation, or for kinds without one its content
    /// (one request per object).
    /// </returns>
    private async Task<bool> ApplyTrackedAsync(ServerSideApply apply, StepContext ctx, string key, string apiVersion, string kind, string? ns, string name,
        object body, CancellationToken ct)
    {
        var before = await applied.LastMarkAsync(ctx.ClusterId, targetName, key, ct);
        var after = await apply.ApplyAsync(apiVersion, kind, ns, name, body, ct);
        await applied.RecordAsync(ctx.ClusterId, targetName, key, after.Mark, ct);
        var changed = before is null || before != after.Mark;
        ctx.Log($"{key}: {(changed ? "applied" : "unchanged")} ({after.Mark}, resourceVersion {after.ResourceVersion})");
        return changed;
    }

    /// <summary>
    /// Flannel reads net-conf.json only when its pods start: the pod template carries the hash of the one applied, so a
    /// changed ConfigMap rolls the DaemonSet's pods and an unchanged one leaves them be (and a run again restarts nothing).
    /// </summary>
    public async Task<StepOutcome> RestartFlannelAsync(IKubernetes client, StepContext ctx, CancellationToken ct)
    {
        const string FlannelDaemonSet = KubernetesReads.FlannelDaemonSet;
        const string NetConfAnnotation = KubernetesTarget.NetConfAnnotation;
        var config = ctx.Objects.Select(o => o.Body).OfType<V1ConfigMap>().Single(c => c.Metadata.Name == ManifestRenderer.FlannelConfigMap);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(config.Data["net-conf.json"])));
        var ds = await KubernetesReads.ReadFlannelAsync(client, ct)
            ?? throw new ProvisioningException($"The DaemonSet {ManifestRenderer.FlannelNamespace}/{FlannelDaemonSet} is gone: " +
                "install Flannel (or configure Provisioning:FlannelManifest) and retry.");
        if (ds.Spec?.Template?.Metadata?.Annotations is { } annotations && annotations.TryGetValue(NetConfAnnotation, out var running) && running == hash)
            return StepOutcome.Skip($"the pods already run this net-conf.json ({NetConfAnnotation} {hash[..12]})");
        var restart = new V1DaemonSet
        {
            ApiVersion = "apps/v1",
            Kind = "DaemonSet",
            Metadata = new V1ObjectMeta { Name = FlannelDaemonSet, NamespaceProperty = ManifestRenderer.FlannelNamespace },
            Spec = new V1DaemonSetSpec
            {
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Annotations = new Dictionary<string, string> { [NetConfAnnotation] = hash } },
                },
            },
        };
        var result = await new ServerSideApply(client).ApplyAsync("apps/v1", "DaemonSet", ManifestRenderer.FlannelNamespace, FlannelDaemonSet, restart, ct,
            fieldManager: KubernetesTarget.RestartFieldManager);
        // our own write: the manifest's next apply of this DaemonSet compares with the generation it has now
        var key = RenderedObject.KeyOf("DaemonSet", ManifestRenderer.FlannelNamespace, FlannelDaemonSet);
        await applied.RecordAsync(ctx.ClusterId, targetName, key, result.Mark, ct);
        return $"net-conf.json changed: the pod template now carries {NetConfAnnotation} {hash[..12]} ({result.Mark}), " +
            "so the DaemonSet restarts its pods";
    }
}
