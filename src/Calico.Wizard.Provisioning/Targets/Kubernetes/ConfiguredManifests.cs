using System.Collections.Concurrent;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rendering;
using k8s;
using k8s.Models;

namespace Calico.Wizard.Provisioning.Targets.Kubernetes;

/// <summary>
/// The manifest files configured on the server (the Tigera operator's, Flannel's), and which of their objects a job
/// applies before the rendered ones: preflight checks them, the dry run judges them, apply writes them.
/// </summary>
internal sealed class ConfiguredManifests(KubernetesApplyOptions options)
{
    /// <summary>Each configured manifest as last parsed, with the file's time and size then: parsed once per version, not once per step.</summary>
    private readonly ConcurrentDictionary<string, (DateTime Written, long Length, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects)> manifests = new();

    /// <summary>The objects of a configured manifest file, or none when it is not configured.</summary>
    public async Task<IReadOnlyList<IKubernetesObject<V1ObjectMeta>>> ObjectsAsync(string? path, CancellationToken ct)
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

    /// <summary>The manifest objects this job will apply before the rendered ones: the operator's, or Flannel's when it is ours to install.</summary>
    public async Task<IReadOnlyList<IKubernetesObject<V1ObjectMeta>>> ForJobAsync(IKubernetes client, StepContext ctx, CancellationToken ct) =>
        ctx.Spec.Backend == NetworkBackend.Calico ? await ObjectsAsync(options.OperatorManifest, ct)
        : await FlannelManifestAppliesAsync(client, ct) ? FlannelObjects(await ObjectsAsync(options.FlannelManifest, ct))
        : [];

    /// <summary>Flannel's manifest without its own kube-flannel-cfg: the wizard's ConfigMap (the Containers CIDR) replaces it.</summary>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> FlannelObjects(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> manifest) =>
        manifest.Where(o => !(o.Kind == "ConfigMap" && o.Metadata.Name == ManifestRenderer.FlannelConfigMap)).ToList();

    /// <summary>
    /// Whether the Flannel manifest is ours to apply: Flannel is absent, or it is the one an earlier run of ours installed
    /// (a retry finishes it).
    /// </summary>
    public async Task<bool> FlannelManifestAppliesAsync(IKubernetes client, CancellationToken ct) =>
        options.FlannelManifest is { Length: > 0 }
        && (await KubernetesReads.ReadFlannelAsync(client, ct) is not { } ds
            || ds.Metadata.ManagedFields?.Any(f => f.Manager == ServerSideApply.FieldManager && f.Operation == "Apply") == true);
}
