namespace Calico.Wizard.Provisioning.Targets.Kubernetes;

/// <summary>A cluster the service may deploy to ("Provisioning:Targets" in appsettings.json). The kubeconfig stays on the server.</summary>
public sealed class KubernetesTargetOptions
{
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    /// <summary>Path of the kubeconfig file; its contents are never logged, stored or shown.</summary>
    public string Kubeconfig { get; set; } = "";
    /// <summary>The kubeconfig context to use; its current context when empty.</summary>
    public string? Context { get; set; }
}

/// <summary>How the Kubernetes target applies and waits; shared by every configured cluster.</summary>
public sealed class KubernetesApplyOptions
{
    /// <summary>tigera-operator.yaml for the operator's Calico version, applied first when the CRD is missing.</summary>
    public string? OperatorManifest { get; set; }
    /// <summary>kube-flannel.yml (namespace, RBAC, DaemonSet) for the Flannel version wanted, applied when Flannel is not running yet.</summary>
    public string? FlannelManifest { get; set; }
    public TimeSpan ReadinessTimeout { get; set; } = TimeSpan.FromMinutes(10);
    public TimeSpan CrdEstablishedTimeout { get; set; } = TimeSpan.FromMinutes(2);
    public int RetryAttempts { get; set; } = 5;
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);
}
