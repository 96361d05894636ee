using k8s;
using k8s.Models;

namespace Calico.Wizard.Core.Rendering;

// operator.tigera.io/v1 Installation — only the fields the wizard sets. Property names are the API's in
// PascalCase: KubernetesYaml and KubernetesJson both write them camelCase, and both omit nulls.

public sealed class TigeraInstallation : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "operator.tigera.io", Version = "v1", Plural = "installations";
    public string ApiVersion { get; set; } = $"{Group}/{Version}";
    public string Kind { get; set; } = "Installation";
    public V1ObjectMeta Metadata { get; set; } = new() { Name = "default" };
    public InstallationSpec Spec { get; set; } = new();
}

public sealed class InstallationSpec
{
    public CniSpec Cni { get; set; } = new();
    public CalicoNetworkSpec CalicoNetwork { get; set; } = new();
}

public sealed class CniSpec
{
    public string Type { get; set; } = "Calico";
}

public sealed class CalicoNetworkSpec
{
    public string Bgp { get; set; } = "Enabled";
    public int Mtu { get; set; }
    public List<IpPoolSpec> IpPools { get; set; } = [];
    public NodeAddressAutodetection? NodeAddressAutodetectionV4 { get; set; }
    public NodeAddressAutodetection? NodeAddressAutodetectionV6 { get; set; }
}

public sealed class IpPoolSpec
{
    public string Name { get; set; } = "";
    public string Cidr { get; set; } = "";
    public int BlockSize { get; set; }
    public string Encapsulation { get; set; } = "";
    public string NatOutgoing { get; set; } = "";
    public string NodeSelector { get; set; } = "all()";
}

public sealed class NodeAddressAutodetection
{
    public bool? FirstFound { get; set; }
    public string? CanReach { get; set; }
    public string? Interface { get; set; }
    public string? SkipInterface { get; set; }
}
