using k8s;
using k8s.Models;

namespace Calico.Wizard.Core.Rendering;

// operator.tigera.io/v1 Installation — only the fields the wizard sets. Property names are the API's in
// PascalCase: KubernetesYaml and KubernetesJson both write them camelCase, and both omit nulls.

/// <summary>The Tigera operator's API names the renderer writes and the provisioner applies, watches and asks for.</summary>
public static class Tigera
{
    public const string Group = "operator.tigera.io", Version = "v1", ApiVersion = $"{Group}/{Version}";
    public const string InstallationKind = "Installation", InstallationPlural = "installations";
    public const string InstallationCrd = $"{InstallationPlural}.{Group}";
    public const string StatusKind = "TigeraStatus", StatusPlural = "tigerastatuses";
    public const string ApiServerKind = "APIServer", ApiServerPlural = "apiservers";
    /// <summary>The TigeraStatus that reports Calico itself.</summary>
    public const string CalicoStatus = "calico";
}

public sealed class TigeraInstallation : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = Tigera.ApiVersion;
    public string Kind { get; set; } = Tigera.InstallationKind;
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
    /// <summary>Null: Calico detects the MTU.</summary>
    public int? Mtu { get; set; }
    /// <summary>Null: the operator's default, Iptables.</summary>
    public string? LinuxDataplane { get; set; }
    public string? BpfNetworkBootstrap { get; set; }
    public string? KubeProxyManagement { get; set; }
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
    /// <summary>"NodeInternalIP": the node's address as Kubernetes reports it.</summary>
    public string? Kubernetes { get; set; }
    public List<string>? Cidrs { get; set; }
}
