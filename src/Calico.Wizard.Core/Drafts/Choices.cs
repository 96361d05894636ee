namespace Calico.Wizard.Core.Drafts;

/// <summary>PMK's IPv4 or IPv6, or (Advanced) both: an IPv4 and an IPv6 pool and service range side by side.</summary>
public enum NetworkStack { IPv4, IPv6, DualStack }

public enum MachineKind { Physical, Virtual }

public enum NetworkBackend { Calico, Flannel }

/// <summary>The encapsulation modes PMK offers (Always, CrossSubnet, Never); they apply to the chosen <see cref="Overlay"/>.</summary>
public enum EncapsulationMode { Always, CrossSubnet, Never }

/// <summary>
/// The overlay protocol of the pool (Advanced): PMK's IP-in-IP, or VXLAN (UDP 4789), which works without BGP, across
/// underlays that drop IP protocol 4, and for IPv6 pools.
/// </summary>
public enum Overlay { IpInIp, Vxlan }

/// <summary>The Linux dataplane calico-node programs (Advanced).</summary>
public enum Dataplane { Iptables, Nftables, Bpf }

/// <summary>PMK's four node-address detection methods, then the operator's Kubernetes InternalIP and CIDRs (Advanced).</summary>
public enum NodeAddressDetection { FirstFound, CanReach, Interface, SkipInterface, Kubernetes, Cidrs }

/// <summary>The Installation's names for an IP pool's encapsulation.</summary>
public static class Encapsulations
{
    public const string IpIp = "IPIP", IpIpCrossSubnet = "IPIPCrossSubnet", Vxlan = "VXLAN", VxlanCrossSubnet = "VXLANCrossSubnet", None = "None";

    public static readonly IReadOnlyList<string> All = [IpIp, IpIpCrossSubnet, Vxlan, VxlanCrossSubnet, None];

    /// <summary>What a pool's <c>encapsulation</c> is for this overlay and mode.</summary>
    public static string Of(Overlay overlay, EncapsulationMode mode) => (overlay, mode) switch
    {
        (_, EncapsulationMode.Never) => None,
        (Overlay.Vxlan, EncapsulationMode.CrossSubnet) => VxlanCrossSubnet,
        (Overlay.Vxlan, _) => Vxlan,
        (_, EncapsulationMode.CrossSubnet) => IpIpCrossSubnet,
        _ => IpIp,
    };

    /// <summary>The overlay and mode that make <paramref name="encapsulation"/> (one of <see cref="All"/>).</summary>
    public static (Overlay Overlay, EncapsulationMode Mode) Parse(string encapsulation) => encapsulation switch
    {
        IpIp => (Overlay.IpInIp, EncapsulationMode.Always),
        IpIpCrossSubnet => (Overlay.IpInIp, EncapsulationMode.CrossSubnet),
        Vxlan => (Overlay.Vxlan, EncapsulationMode.Always),
        VxlanCrossSubnet => (Overlay.Vxlan, EncapsulationMode.CrossSubnet),
        _ => (Overlay.IpInIp, EncapsulationMode.Never),
    };

    /// <summary>The outer header each packet gains: an IPv4 header for IP-in-IP; outer IP, UDP, VXLAN and inner Ethernet for VXLAN.</summary>
    public const int IpInIpOverhead = 20, VxlanOverheadIPv4 = 50, VxlanOverheadIPv6 = 70;

    /// <summary>Bytes each packet gains (VXLAN's larger IPv6 figure on dual-stack), none unencapsulated.</summary>
    public static int Overhead(Overlay overlay, EncapsulationMode mode, NetworkStack stack) => (overlay, mode) switch
    {
        (_, EncapsulationMode.Never) => 0,
        (Overlay.Vxlan, _) => stack == NetworkStack.IPv4 ? VxlanOverheadIPv4 : VxlanOverheadIPv6,
        _ => IpInIpOverhead,
    };

    /// <summary>The IPv6 pool's encapsulation: VXLAN's, or none (IP-in-IP cannot carry IPv6).</summary>
    public static string OfIPv6Pool(Overlay overlay, EncapsulationMode mode) => overlay == Overlay.Vxlan ? Of(overlay, mode) : None;
}
