namespace Calico.Wizard.Core.Drafts;

/// <summary>
/// What the wizard edits: every typed value kept as the operator typed it (so "26.5" or "1440abc" can be
/// rejected with a message instead of being lost in a number conversion). <see cref="ClusterSpec"/> is built
/// from it only once every rule passes. A text field is never null: JSON's null (the API, a stored draft) reads as
/// empty, which its rule then names, so no rule, Review row or comparison meets a null.
/// </summary>
public sealed class ClusterDraft : System.Text.Json.Serialization.IJsonOnDeserializing, System.Text.Json.Serialization.IJsonOnDeserialized
{
    /// <summary>The draft's identity (in the wizard's URL); a submitted draft becomes exactly one cluster.</summary>
    public Guid Id { get; set; } = Guid.NewGuid();

    public string Name { get; set => field = value ?? ""; } = "";
    public string Provider { get; set => field = value ?? ""; } = "BareOS";
    public MachineKind MachineKind { get; set; } = MachineKind.Virtual;
    public string L2Network { get; set => field = value ?? ""; } = "";
    public string PlannedNodes { get; set => field = value ?? ""; } = "3";
    /// <summary>Where the cluster is deployed: a target configured on the server ("" = its default).</summary>
    public string Target { get; set => field = value ?? ""; } = "";

    public NetworkStack NetworkStack { get; set; } = NetworkStack.IPv4;
    public string ContainersCidr { get; set => field = value ?? ""; } = Defaults.IPv4.ContainersCidr;
    public string ServicesCidr { get; set => field = value ?? ""; } = Defaults.IPv4.ServicesCidr;
    /// <summary>Dual-stack only: the IPv6 pod range (the fields above hold the IPv4 ones then).</summary>
    public string ContainersCidrV6 { get; set => field = value ?? ""; } = Defaults.IPv6.ContainersCidr;
    /// <summary>Dual-stack only: the IPv6 service range.</summary>
    public string ServicesCidrV6 { get; set => field = value ?? ""; } = Defaults.IPv6.ServicesCidr;
    public NetworkBackend Backend { get; set; } = NetworkBackend.Calico;
    /// <summary>
    /// Advanced: the nodes' own subnets (the BareOS subnet, the AWS VPC CIDR, the Azure VNet range), comma-separated;
    /// optional. Pod and service ranges must stay clear of them.
    /// </summary>
    public string NodeNetworks { get; set => field = value ?? ""; } = "";

    public EncapsulationMode EncapsulationMode { get; set; } = EncapsulationMode.Always;
    /// <summary>Advanced: the overlay the mode applies to.</summary>
    public Overlay Overlay { get; set; } = Overlay.IpInIp;
    /// <summary>Advanced: whether Calico peers with BGP (IP-in-IP and unencapsulated pools need it; VXLAN does not).</summary>
    public bool Bgp { get; set; } = true;
    public bool NatOutgoing { get; set; } = true;

    private bool? natOutgoingV6 = true;
    /// <summary>Dual-stack only: the IPv6 pool's own NAT Outgoing (until it had one, the IPv6 pool shared the IPv4 switch).</summary>
    public bool NatOutgoingV6 { get => natOutgoingV6 ?? NatOutgoing; set => natOutgoingV6 = value; }

    // JSON written before NatOutgoingV6 existed (a stored draft, an API draft of the last release) has no such key:
    // the IPv6 pool keeps the IPv4 switch's value, as it then did (DraftField.FollowsWhenAbsent; a spec file the same)
    void System.Text.Json.Serialization.IJsonOnDeserializing.OnDeserializing() => natOutgoingV6 = null;

    void System.Text.Json.Serialization.IJsonOnDeserialized.OnDeserialized() => natOutgoingV6 ??= NatOutgoing;
    public string BlockSize { get; set => field = value ?? ""; } = Defaults.IPv4.BlockSize;
    /// <summary>Dual-stack only: the IPv6 pool's block size.</summary>
    public string BlockSizeV6 { get; set => field = value ?? ""; } = Defaults.IPv6.BlockSize;
    public string Mtu { get; set => field = value ?? ""; } = Defaults.Mtu;
    /// <summary>Advanced: leave the MTU to Calico's auto-detection (no <c>mtu</c> in the Installation); <see cref="Mtu"/> is kept, unused.</summary>
    public bool MtuAuto { get; set; }
    /// <summary>MTU of the nodes' own network; only used to warn when IP-in-IP overhead does not fit.</summary>
    public string NodeNetworkMtu { get; set => field = value ?? ""; } = Defaults.NodeNetworkMtu;
    public NodeAddressDetection NodeAddressDetection { get; set; } = NodeAddressDetection.FirstFound;
    /// <summary>The can-reach destination, or the interface / skip-interface regular expression.</summary>
    public string NodeAddressDetectionValue { get; set => field = value ?? ""; } = "";
    /// <summary>Dual-stack only: how calico-node finds each node's IPv6 address (the method above finds the IPv4 one).</summary>
    public NodeAddressDetection NodeAddressDetectionV6 { get; set; } = NodeAddressDetection.FirstFound;
    public string NodeAddressDetectionValueV6 { get; set => field = value ?? ""; } = "";
    /// <summary>Advanced: the Linux dataplane.</summary>
    public Dataplane Dataplane { get; set; } = Dataplane.Iptables;
    /// <summary>Whether the Network step's Advanced part is open: the operator's layout, kept with the draft (not part of the cluster).</summary>
    public bool AdvancedOpen { get; set; }

    /// <summary>NetworkPolicies to create once the CNI is ready, each kept as its YAML (the one source the form edits).</summary>
    public List<string> NetworkPolicies { get; set; } = [];

    public ClusterDraft Clone()
    {
        var copy = (ClusterDraft)MemberwiseClone();
        // JSON's null (an API draft) stays null, so the copy is refused as the original is ("must be a list")
        copy.NetworkPolicies = NetworkPolicies is null ? null! : [.. NetworkPolicies];
        return copy;
    }

    /// <summary>
    /// Switching the stack swaps in the other family's defaults for the values still at their defaults, so an
    /// operator who only flips IPv4 → IPv6 gets a valid starting point, and nothing they typed is thrown away.
    /// </summary>
    public void ChangeNetworkStack(NetworkStack stack)
    {
        if (stack == NetworkStack) return;
        if (NetworkStack == NetworkStack.IPv6 && stack == NetworkStack.DualStack)
        {
            // the IPv6 ranges typed so far become the dual-stack's IPv6 ones; the IPv4 ones start at PMK's defaults
            (ContainersCidrV6, ServicesCidrV6, BlockSizeV6) = (ContainersCidr, ServicesCidr, BlockSize);
            (NodeAddressDetectionV6, NodeAddressDetectionValueV6, NatOutgoingV6) = (NodeAddressDetection, NodeAddressDetectionValue, NatOutgoing);
            (ContainersCidr, ServicesCidr, BlockSize) = (Defaults.IPv4.ContainersCidr, Defaults.IPv4.ServicesCidr, Defaults.IPv4.BlockSize);
            (NodeAddressDetection, NodeAddressDetectionValue) = (NodeAddressDetection.FirstFound, "");
        }
        else if (NetworkStack == NetworkStack.DualStack && stack == NetworkStack.IPv6)
        {
            (ContainersCidr, ServicesCidr, BlockSize) = (ContainersCidrV6, ServicesCidrV6, BlockSizeV6);
            (NodeAddressDetection, NodeAddressDetectionValue) = (NodeAddressDetectionV6, NodeAddressDetectionValueV6);
            NatOutgoing = NatOutgoingV6;
            // moved, not copied: the dual-stack's IPv6 fields start again from their defaults (nothing typed is lost)
            (ContainersCidrV6, ServicesCidrV6, BlockSizeV6) = (Defaults.IPv6.ContainersCidr, Defaults.IPv6.ServicesCidr, Defaults.IPv6.BlockSize);
            (NodeAddressDetectionV6, NodeAddressDetectionValueV6, NatOutgoingV6) = (NodeAddressDetection.FirstFound, "", true);
        }
        else if (stack != NetworkStack.DualStack && NetworkStack != NetworkStack.DualStack)
        {
            var from = Defaults.For(NetworkStack);
            var to = Defaults.For(stack);
            if (ContainersCidr == from.ContainersCidr) ContainersCidr = to.ContainersCidr;
            if (ServicesCidr == from.ServicesCidr) ServicesCidr = to.ServicesCidr;
            if (BlockSize == from.BlockSize) BlockSize = to.BlockSize;
        }
        if (stack == NetworkStack.IPv6 && Overlay == Overlay.IpInIp && EncapsulationMode != EncapsulationMode.Never)
        {
            EncapsulationMode = EncapsulationMode.Never; // IPv6 pools cannot use IP-in-IP at all (VXLAN they can)
        }
        NetworkStack = stack;
        DraftFields.ApplyLocks(this);
    }

    /// <summary>
    /// Picking a provider keeps the draft consistent with the matrix: a machine kind or backend the provider does
    /// not offer is replaced by one it does (Azure ⇒ Flannel), and the wizard says so.
    /// </summary>
    public void ChangeProvider(Providers.ProviderOption provider, IReadOnlyList<NetworkBackend> backends)
    {
        Provider = provider.Name;
        if (provider.MachineKinds.Count > 0 && !provider.MachineKinds.Contains(MachineKind)) MachineKind = provider.MachineKinds[0];
        if (backends.Count > 0 && !backends.Contains(Backend)) Backend = backends[0];
        if (!provider.Permits(Encapsulation))
        {
            // the same mode on the permitted overlay if there is one (Always stays Always), else the first permitted
            var sameMode = Encapsulations.Of(Overlay == Overlay.IpInIp ? Overlay.Vxlan : Overlay.IpInIp, EncapsulationMode);
            ChangeEncapsulation(provider.Permits(sameMode) ? sameMode : provider.Encapsulations[0]);
        }
    }

    /// <summary>Choosing the overlay (Advanced): IPv6 pools cannot carry IP-in-IP, so that choice there means Never.</summary>
    public void ChangeOverlay(Overlay overlay)
    {
        Overlay = overlay;
        if (overlay == Overlay.IpInIp && NetworkStack == NetworkStack.IPv6 && EncapsulationMode != EncapsulationMode.Never)
            ChangeEncapsulationMode(EncapsulationMode.Never);
    }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsDualStack => NetworkStack == NetworkStack.DualStack;

    /// <summary>Whether the cluster has IPv6 addresses (IPv6 or dual-stack): IPv6's MTU floor and VXLAN overhead apply.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasIPv6 => NetworkStack != NetworkStack.IPv4;

    /// <summary>The encapsulation of the pool this draft makes (IPIP, VXLANCrossSubnet, None, …).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Encapsulation => Encapsulations.Of(Overlay, EncapsulationMode);

    /// <summary>Picking an encapsulation the provider permits (Advanced): the overlay and the mode that make it.</summary>
    public void ChangeEncapsulation(string encapsulation)
    {
        var (overlay, mode) = Encapsulations.Parse(encapsulation);
        Overlay = overlay;
        ChangeEncapsulationMode(mode);
    }

    /// <summary>The seed: "When selecting [Never], NAT Outgoing will be disabled."</summary>
    public void ChangeEncapsulationMode(EncapsulationMode mode)
    {
        EncapsulationMode = mode;
        DraftFields.ApplyLocks(this);
    }
}

/// <summary>PMK's defaults, per network stack.</summary>
public static class Defaults
{
    public sealed record StackDefaults(string ContainersCidr, string ServicesCidr, string BlockSize);

    public static readonly StackDefaults IPv4 = new("10.20.0.0/16", "10.21.0.0/16", "26");
    public static readonly StackDefaults IPv6 = new("fd00:10:20::/64", "fd00:10:21::/112", "122");
    public const string Mtu = "1440";
    public const string NodeNetworkMtu = "1500";

    public static StackDefaults For(NetworkStack stack) => stack == NetworkStack.IPv6 ? IPv6 : IPv4;
}
