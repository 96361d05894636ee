using System.Net;
using Calico.Wizard.Core.Rendering;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Calico.Wizard.Provisioning.Targets.Kubernetes;

/// <summary>Reads whose 404 is an answer (the object is not there), shared by preflight, dry run and apply.</summary>
internal static class KubernetesReads
{
    /// <summary>The Flannel DaemonSet in <see cref="ManifestRenderer.FlannelNamespace"/>, as kube-flannel.yml names it.</summary>
    public const string FlannelDaemonSet = "kube-flannel-ds";

    /// <summary>The object a read returns, or null when the API server says it does not exist (404).</summary>
    public static async Task<T?> FindAsync<T>(Task<T> read) where T : class
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

    public static Task<V1DaemonSet?> ReadFlannelAsync(IKubernetes client, CancellationToken ct) =>
        FindAsync(client.AppsV1.ReadNamespacedDaemonSetAsync(FlannelDaemonSet, ManifestRenderer.FlannelNamespace, cancellationToken: ct));
}
