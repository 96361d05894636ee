using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Calico.Wizard.Core.Drafts;

/// <summary>A cluster whose every rule passed: immutable, typed, what the provisioner receives.</summary>
/// <param name="NetworkPolicies">Each policy's YAML as the operator wrote it (specs stored before issue 27 hold it as written out again); the manifests write each one out.</param>
public sealed record ClusterSpec(
    Guid DraftId,
    string Name,
    string Provider,
    MachineKind MachineKind,
    string L2Network,
    int PlannedNodes,
    NetworkStack NetworkStack,
    [property: JsonConverter(typeof(IPNetworkJsonConverter))] IPNetwork ContainersCidr,
    [property: JsonConverter(typeof(IPNetworkJsonConverter))] IPNetwork ServicesCidr,
    NetworkBackend Backend,
    CalicoOptions? Calico,
    IReadOnlyList<string>? NetworkPolicies = null,
    IReadOnlyList<string>? NodeNetworks = null,
    [property: JsonConverter(typeof(IPNetworkJsonConverter))] IPNetwork? ContainersCidrV6 = null,
    [property: JsonConverter(typeof(IPNetworkJsonConverter))] IPNetwork? ServicesCidrV6 = null)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ClusterSpec FromJson(string json) =>
        JsonSerializer.Deserialize<ClusterSpec>(json, Json) ?? throw new JsonException("empty cluster spec");
}

/// <param name="Mtu">The pod MTU, or null for Calico's auto-detection.</param>
public sealed record CalicoOptions(
    EncapsulationMode EncapsulationMode,
    bool NatOutgoing,
    int BlockSize,
    int? Mtu,
    NodeAddressDetection NodeAddressDetection,
    string? NodeAddressDetectionValue,
    Overlay Overlay = Overlay.IpInIp,
    bool Bgp = true,
    Dataplane Dataplane = Dataplane.Iptables,
    int? BlockSizeV6 = null,
    NodeAddressDetection NodeAddressDetectionV6 = NodeAddressDetection.FirstFound,
    string? NodeAddressDetectionValueV6 = null)
{
    public string Encapsulation => Encapsulations.Of(Overlay, EncapsulationMode);
}

public sealed class IPNetworkJsonConverter : JsonConverter<IPNetwork>
{
    public override IPNetwork Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        IPNetwork.Parse(reader.GetString() ?? throw new JsonException("CIDR expected"));

    public override void Write(Utf8JsonWriter writer, IPNetwork value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}

public static class ClusterSpecDrafts
{
    /// <summary>The draft a spec came from (in canonical form), so the same rules can judge it again.</summary>
    public static ClusterDraft ToDraft(this ClusterSpec spec) => new()
    {
        Id = spec.DraftId,
        Name = spec.Name,
        Provider = spec.Provider,
        MachineKind = spec.MachineKind,
        L2Network = spec.L2Network,
        PlannedNodes = spec.PlannedNodes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        NetworkStack = spec.NetworkStack,
        ContainersCidr = spec.ContainersCidr.ToString(),
        ServicesCidr = spec.ServicesCidr.ToString(),
        Backend = spec.Backend,
        EncapsulationMode = spec.Calico?.EncapsulationMode ?? EncapsulationMode.Never,
        NatOutgoing = spec.Calico?.NatOutgoing ?? false,
        BlockSize = spec.Calico?.BlockSize.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Defaults.For(spec.NetworkStack).BlockSize,
        Mtu = spec.Calico?.Mtu?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Defaults.Mtu,
        MtuAuto = spec.Calico is { Mtu: null },
        Overlay = spec.Calico?.Overlay ?? Overlay.IpInIp,
        Bgp = spec.Calico?.Bgp ?? true,
        Dataplane = spec.Calico?.Dataplane ?? Dataplane.Iptables,
        NodeAddressDetection = spec.Calico?.NodeAddressDetection ?? NodeAddressDetection.FirstFound,
        NodeAddressDetectionValue = spec.Calico?.NodeAddressDetectionValue ?? "",
        NetworkPolicies = [.. spec.NetworkPolicies ?? []],
        NodeNetworks = string.Join(",", spec.NodeNetworks ?? []),
        ContainersCidrV6 = spec.ContainersCidrV6?.ToString() ?? Defaults.IPv6.ContainersCidr,
        ServicesCidrV6 = spec.ServicesCidrV6?.ToString() ?? Defaults.IPv6.ServicesCidr,
        BlockSizeV6 = spec.Calico?.BlockSizeV6?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Defaults.IPv6.BlockSize,
        NodeAddressDetectionV6 = spec.Calico?.NodeAddressDetectionV6 ?? NodeAddressDetection.FirstFound,
        NodeAddressDetectionValueV6 = spec.Calico?.NodeAddressDetectionValueV6 ?? "",
    };
}
