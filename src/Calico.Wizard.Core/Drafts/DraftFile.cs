using Calico.Wizard.Core.Resources;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Calico.Wizard.Core.Drafts;

/// <summary>
/// The cluster spec file: what Review's "Download spec" writes and what the headless command and embed prefill
/// read. It is a draft, not a trusted spec: every value goes through the same rules as typing it would.
/// </summary>
public static class DraftFile
{
    public const string Header = "# Calico Wizard cluster spec. Replay: dotnet run --project src/Calico.Wizard.Headless -- --url URL --spec FILE\n";

    private static readonly ISerializer Writer = new SerializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithIndentedSequences()
        .Build();

    private static readonly IDeserializer Reader = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build(); // unknown keys are errors: a typo in a spec file must not pass silently

    /// <summary>The fields of a draft, in the order the wizard asks for them (the draft id is not part of a spec).</summary>
    public sealed class Spec
    {
        public string? Name { get; set; }
        public string? Provider { get; set; }
        public MachineKind? MachineKind { get; set; }
        public string? L2Network { get; set; }
        public string? PlannedNodes { get; set; }
        public string? Target { get; set; }
        public NetworkStack? NetworkStack { get; set; }
        public string? ContainersCidr { get; set; }
        public string? ServicesCidr { get; set; }
        public string? ContainersCidrV6 { get; set; }
        public string? ServicesCidrV6 { get; set; }
        public NetworkBackend? Backend { get; set; }
        public string? NodeNetworks { get; set; }
        public EncapsulationMode? EncapsulationMode { get; set; }
        public Overlay? Overlay { get; set; }
        public bool? Bgp { get; set; }
        public bool? NatOutgoing { get; set; }
        public string? BlockSize { get; set; }
        public string? BlockSizeV6 { get; set; }
        public string? Mtu { get; set; }
        public bool? MtuAuto { get; set; }
        public string? NodeNetworkMtu { get; set; }
        public NodeAddressDetection? NodeAddressDetection { get; set; }
        public string? NodeAddressDetectionValue { get; set; }
        public NodeAddressDetection? NodeAddressDetectionV6 { get; set; }
        public string? NodeAddressDetectionValueV6 { get; set; }
        public Dataplane? Dataplane { get; set; }
        public bool? AdvancedOpen { get; set; }
        public List<string>? NetworkPolicies { get; set; }
    }

    public static string Write(ClusterDraft d) => Header + Writer.Serialize(new Spec
    {
        Name = d.Name, Provider = d.Provider, MachineKind = d.MachineKind, L2Network = d.L2Network, PlannedNodes = d.PlannedNodes,
        Target = d.Target.Length == 0 ? null : d.Target, NetworkStack = d.NetworkStack, ContainersCidr = d.ContainersCidr,
        ServicesCidr = d.ServicesCidr, Backend = d.Backend, NodeNetworks = d.NodeNetworks, EncapsulationMode = d.EncapsulationMode, Overlay = d.Overlay, Bgp = d.Bgp, NatOutgoing = d.NatOutgoing,
        BlockSize = d.BlockSize, Mtu = d.Mtu, MtuAuto = d.MtuAuto, NodeNetworkMtu = d.NodeNetworkMtu, NodeAddressDetection = d.NodeAddressDetection,
        NodeAddressDetectionValue = d.NodeAddressDetectionValue.Length == 0 ? null : d.NodeAddressDetectionValue,
        ContainersCidrV6 = d.ContainersCidrV6, ServicesCidrV6 = d.ServicesCidrV6, BlockSizeV6 = d.BlockSizeV6, NodeAddressDetectionV6 = d.NodeAddressDetectionV6,
        NodeAddressDetectionValueV6 = d.NodeAddressDetectionValueV6.Length == 0 ? null : d.NodeAddressDetectionValueV6,
        Dataplane = d.Dataplane, AdvancedOpen = d.AdvancedOpen,
        NetworkPolicies = d.NetworkPolicies.Count == 0 ? null : d.NetworkPolicies,
    });

    /// <returns>The spec, or the reason it cannot be read (with its line).</returns>
    public static (Spec? Spec, string? Error) Read(string text)
    {
        if (Input.BoundedYaml.Check(text, Input.InputLimits.MaxSpecFileBytes, Messages.DocumentSpec) is { } refused) return (null, refused);
        try
        {
            return (Reader.Deserialize<Spec>(text) ?? new Spec(), null);
        }
        catch (YamlException e)
        {
            return (null, Text.Format(Messages.SpecUnreadable, e.Start.Line, Input.YamlReasons.Say((e.InnerException ?? e).Message)));
        }
    }

    /// <summary>Lays the spec's values over a draft (missing keys keep the draft's values), as if typed in that order.</summary>
    public static void Apply(Spec s, ClusterDraft d, Providers.ProviderMatrix matrix)
    {
        if (s.Provider is { } provider)
        {
            if (matrix.Find(provider) is { } p) d.ChangeProvider(p, matrix.BackendsFor(p.Name));
            else d.Provider = provider;
        }
        if (s.Name is not null) d.Name = s.Name;
        if (s.MachineKind is { } kind) d.MachineKind = kind;
        if (s.L2Network is not null) d.L2Network = s.L2Network;
        if (s.PlannedNodes is not null) d.PlannedNodes = s.PlannedNodes;
        if (s.Target is not null) d.Target = s.Target;
        if (s.NetworkStack is { } stack) d.ChangeNetworkStack(stack);
        if (s.ContainersCidr is not null) d.ContainersCidr = s.ContainersCidr;
        if (s.ServicesCidr is not null) d.ServicesCidr = s.ServicesCidr;
        if (s.ContainersCidrV6 is not null) d.ContainersCidrV6 = s.ContainersCidrV6;
        if (s.ServicesCidrV6 is not null) d.ServicesCidrV6 = s.ServicesCidrV6;
        if (s.Backend is { } backend) d.Backend = backend;
        if (s.NodeNetworks is not null) d.NodeNetworks = s.NodeNetworks;
        if (s.Overlay is { } overlay) d.ChangeOverlay(overlay);
        if (s.EncapsulationMode is { } mode) d.ChangeEncapsulationMode(mode);
        if (s.Bgp is { } bgp) d.Bgp = bgp;
        if (s.NatOutgoing is { } nat) d.NatOutgoing = nat;
        if (s.BlockSize is not null) d.BlockSize = s.BlockSize;
        if (s.BlockSizeV6 is not null) d.BlockSizeV6 = s.BlockSizeV6;
        if (s.Mtu is not null) d.Mtu = s.Mtu;
        if (s.MtuAuto is { } auto) d.MtuAuto = auto;
        if (s.NodeNetworkMtu is not null) d.NodeNetworkMtu = s.NodeNetworkMtu;
        if (s.NodeAddressDetection is { } detection) d.NodeAddressDetection = detection;
        if (s.NodeAddressDetectionValue is not null) d.NodeAddressDetectionValue = s.NodeAddressDetectionValue;
        if (s.NodeAddressDetectionV6 is { } detectionV6) d.NodeAddressDetectionV6 = detectionV6;
        if (s.NodeAddressDetectionValueV6 is not null) d.NodeAddressDetectionValueV6 = s.NodeAddressDetectionValueV6;
        if (s.Dataplane is { } dataplane) d.Dataplane = dataplane;
        if (s.AdvancedOpen is { } open) d.AdvancedOpen = open;
        if (s.NetworkPolicies is not null) d.NetworkPolicies = [.. s.NetworkPolicies];
    }
}
