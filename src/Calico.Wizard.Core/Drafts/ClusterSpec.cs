using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Calico.Wizard.Core.Drafts;

/// <summary>A cluster whose every rule passed: immutable, typed, what the provisioner receives.</summary>
/// <param name="NetworkPolicies">
/// Each policy's YAML as the operator wrote it (specs stored before issue 27 hold it as written out again); the
/// manifests write each one out.
/// </param>
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

/// <summary>
/// A Calico cluster's settings. Built from the draft by <see cref="DraftFields.BuildSpec"/>: each parameter is the
/// field of the same name. Stored specs are JSON: a renamed setting keeps the name specs were stored under.
/// </summary>
/// <param name="Mtu">The pod MTU, or null for Calico's auto-detection.</param>
/// <param name="NatOutgoingV6">Dual-stack: the IPv6 pool's NAT Outgoing; null (a spec stored before it had one) is the IPv4 pool's.</param>
public sealed record CalicoOptions(
    [property: JsonPropertyName("ipInIpMode")] EncapsulationMode EncapsulationMode,
    bool NatOutgoing,
    int BlockSize,
    int? Mtu,
    [property: JsonPropertyName("interfaceDetection")] NodeAddressDetection NodeAddressDetection,
    [property: JsonPropertyName("interfaceDetectionValue")] string? NodeAddressDetectionValue,
    Overlay Overlay = Overlay.IpInIp,
    bool Bgp = true,
    Dataplane Dataplane = Dataplane.Iptables,
    int? BlockSizeV6 = null,
    [property: JsonPropertyName("interfaceDetectionV6")] NodeAddressDetection NodeAddressDetectionV6 = NodeAddressDetection.FirstFound,
    [property: JsonPropertyName("interfaceDetectionValueV6")] string? NodeAddressDetectionValueV6 = null,
    bool? NatOutgoingV6 = null)
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
    public static ClusterDraft ToDraft(this ClusterSpec spec) => DraftFields.ToDraft(spec);
}
