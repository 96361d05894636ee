namespace Calico.Wizard.Core.Drafts;

public enum NetworkStack { IPv4, IPv6 }

public enum MachineKind { Physical, Virtual }

public enum NetworkBackend { Calico, Flannel }

/// <summary>The encapsulation modes PMK offers (Always, CrossSubnet, Never); they apply to the chosen <see cref="Overlay"/>.</summary>
public enum IpInIpMode { Always, CrossSubnet, Never }

/// <summary>
/// The overlay protocol of the pool (Advanced): PMK's IP-in-IP, or VXLAN (UDP 4789), which works without BGP, across
/// underlays that drop IP protocol 4, and for IPv6 pools.
/// </summary>
public enum Overlay { IpInIp, Vxlan }

/// <summary>The Linux dataplane calico-node programs (Advanced).</summary>
public enum Dataplane { Iptables, Nftables, Bpf }

/// <summary>PMK's four node-address detection methods, then the operator's Kubernetes InternalIP and CIDRs (Advanced).</summary>
public enum InterfaceDetection { FirstFound, CanReach, Interface, SkipInterface, Kubernetes, Cidrs }

/// <summary>The Installation's names for an IP pool's encapsulation.</summary>
public static class Encapsulations
{
    public const string IpIp = "IPIP", IpIpCrossSubnet = "IPIPCrossSubnet", Vxlan = "VXLAN", VxlanCrossSubnet = "VXLANCrossSubnet", None = "None";

    public static readonly IReadOnlyList<string> All = [IpIp, IpIpCrossSubnet, Vxlan, VxlanCrossSubnet, None];

    /// <summary>What a pool's <c>encapsulation</c> is for this overlay and mode.</summary>
    public static string Of(Overlay overlay, IpInIpMode mode) => (overlay, mode) switch
    {
        (_, IpInIpMode.Never) => None,
        (Overlay.Vxlan, IpInIpMode.CrossSubnet) => VxlanCrossSubnet,
        (Overlay.Vxlan, _) => Vxlan,
        (_, IpInIpMode.CrossSubnet) => IpIpCrossSubnet,
        _ => IpIp,
    };

    /// <summary>The overlay and mode that make <paramref name="encapsulation"/> (one of <see cref="All"/>).</summary>
    public static (Overlay Overlay, IpInIpMode Mode) Parse(string encapsulation) => encapsulation switch
    {
        IpIp => (Overlay.IpInIp, IpInIpMode.Always),
        IpIpCrossSubnet => (Overlay.IpInIp, IpInIpMode.CrossSubnet),
        Vxlan => (Overlay.Vxlan, IpInIpMode.Always),
        VxlanCrossSubnet => (Overlay.Vxlan, IpInIpMode.CrossSubnet),
        _ => (Overlay.IpInIp, IpInIpMode.Never),
    };

    /// <summary>Bytes each packet gains: IP-in-IP 20, VXLAN 50 over IPv4 and 70 over IPv6, none unencapsulated.</summary>
    public static int Overhead(Overlay overlay, IpInIpMode mode, NetworkStack stack) => (overlay, mode) switch
    {
        (_, IpInIpMode.Never) => 0,
        (Overlay.Vxlan, _) => stack == NetworkStack.IPv6 ? 70 : 50,
        _ => 20,
    };
}
