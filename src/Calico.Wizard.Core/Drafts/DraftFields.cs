using System.Text.Json;
using static System.FormattableString;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Input;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;

namespace Calico.Wizard.Core.Drafts;

/// <summary>
/// One field of the draft: the label the wizard shows (PMK's), the step that asks for it, its key in the spec file
/// and the API, and how Review shows it (null: not a row of its own).
/// </summary>
public sealed record DraftField(string Property, string Label, WizardStep Step, Func<ClusterDraft, string?>? Show = null, int MaxLength = DraftField.Short)
{
    /// <summary>A number, a choice's name: what a text field that is not free text may hold.</summary>
    public const int Short = 64;

    /// <summary>The spec file's and the API's name for the field.</summary>
    public string Key { get; } = JsonNamingPolicy.CamelCase.ConvertName(Property);
}

/// <summary>
/// The one field map: labels, steps, Review rows and spec-file keys are derived from it. Adding a field to the
/// draft is the field, its entry here, its rule and its control.
/// </summary>
public static class DraftFields
{
    public static readonly IReadOnlyList<DraftField> All =
    [
        new(nameof(ClusterDraft.Name), "Cluster name", WizardStep.Cluster, d => d.Name, MaxLength: 253),
        new(nameof(ClusterDraft.Provider), "Provider", WizardStep.Cluster, d => d.Provider),
        new(nameof(ClusterDraft.MachineKind), "Machines", WizardStep.Cluster, d => d.MachineKind.ToString()),
        new(nameof(ClusterDraft.L2Network), "L2 network", WizardStep.Cluster, d => d.L2Network.Trim(), MaxLength: ProviderMatrix.MaxNetworkLength),
        new(nameof(ClusterDraft.PlannedNodes), "Planned nodes", WizardStep.Cluster, d => d.PlannedNodes.Trim()),
        new(nameof(ClusterDraft.Target), "Deploy to", WizardStep.Cluster, d => d.Target, MaxLength: 253),
        new(nameof(ClusterDraft.NetworkStack), "Network stack", WizardStep.Network, d => d.NetworkStack.ToString()),
        new(nameof(ClusterDraft.ContainersCidr), "Containers CIDR", WizardStep.Network, d => Canonical(d.ContainersCidr, d.NetworkStack)),
        new(nameof(ClusterDraft.ServicesCidr), "Services CIDR", WizardStep.Network, d => Canonical(d.ServicesCidr, d.NetworkStack)),
        new(nameof(ClusterDraft.ContainersCidrV6), "IPv6 Containers CIDR", WizardStep.Network, d => d.IsDualStack ? Canonical(d.ContainersCidrV6, NetworkStack.IPv6) : null),
        new(nameof(ClusterDraft.ServicesCidrV6), "IPv6 Services CIDR", WizardStep.Network, d => d.IsDualStack ? Canonical(d.ServicesCidrV6, NetworkStack.IPv6) : null),
        new(nameof(ClusterDraft.Backend), "Network backend", WizardStep.Network, d => d.Backend.ToString()),
        new(nameof(ClusterDraft.NodeNetworks), "Node network", WizardStep.Network,
            d => NodeNetworkRule.Parse(d.NodeNetworks, d.NetworkStack) is { Error: null, Networks.Count: > 0 } n ? string.Join(", ", n.Networks) : d.NodeNetworks.Trim() is { Length: > 0 } raw ? raw : null,
            MaxLength: Input.InputLimits.MaxNodeNetworks * 44),
        new(nameof(ClusterDraft.IpInIpMode), "IP in IP Encapsulation Mode", WizardStep.Network, Calico(d => d.IpInIpMode.ToString())),
        new(nameof(ClusterDraft.Overlay), "Encapsulation protocol", WizardStep.Network, Calico(d => d.Overlay == Overlay.Vxlan ? $"VXLAN ({d.Encapsulation})" : null)),
        new(nameof(ClusterDraft.Bgp), "BGP", WizardStep.Network, Calico(d => d.Bgp ? null : "Disabled")),
        new(nameof(ClusterDraft.NatOutgoing), "NAT Outgoing", WizardStep.Network, Calico(d => d.NatOutgoing ? "Enabled" : "Disabled")),
        new(nameof(ClusterDraft.BlockSize), "Block Size", WizardStep.Network,
            Calico(d => $"/{d.BlockSize.Trim()}" + (ClusterRules.CapacityOf(d) is { } c ? $" ({c.Describe()})" : ""))),
        new(nameof(ClusterDraft.BlockSizeV6), "IPv6 Block Size", WizardStep.Network,
            Calico(d => d.IsDualStack ? $"/{d.BlockSizeV6.Trim()}" + (ClusterRules.CapacityOfV6(d) is { } c ? $" ({c.Describe()})" : "") : null)),
        new(nameof(ClusterDraft.Mtu), "MTU Size", WizardStep.Network, Calico(d => d.MtuAuto ? "Auto (detected by Calico)" : d.Mtu.Trim())),
        new(nameof(ClusterDraft.MtuAuto), "MTU auto-detection", WizardStep.Network),
        new(nameof(ClusterDraft.UnderlayMtu), "Node network MTU", WizardStep.Network),
        new(nameof(ClusterDraft.InterfaceDetection), "Interface Detection Method", WizardStep.Network, Calico(d => InterfaceDetectionRule.Describe(d.InterfaceDetection, d.InterfaceDetectionValue))),
        new(nameof(ClusterDraft.InterfaceDetectionValue), "Interface Detection Method", WizardStep.Network,
            MaxLength: InputLimits.MaxSkipPatterns * (GoRegex.MaxLength + 1)),
        new(nameof(ClusterDraft.InterfaceDetectionV6), "IPv6 Interface Detection Method", WizardStep.Network,
            Calico(d => d.IsDualStack ? InterfaceDetectionRule.Describe(d.InterfaceDetectionV6, d.InterfaceDetectionValueV6) : null)),
        new(nameof(ClusterDraft.InterfaceDetectionValueV6), "IPv6 Interface Detection Method", WizardStep.Network,
            MaxLength: InputLimits.MaxSkipPatterns * (GoRegex.MaxLength + 1)),
        new(nameof(ClusterDraft.Dataplane), "Dataplane", WizardStep.Network, Calico(d => d.Dataplane switch
        {
            Dataplane.Bpf => "eBPF (kube-proxy replaced)",
            Dataplane.Nftables => "nftables",
            _ => null,
        })),
        new(nameof(ClusterDraft.AdvancedOpen), "Advanced", WizardStep.Network),
        new(nameof(ClusterDraft.NetworkPolicies), "Network policies", WizardStep.Policies),
    ];

    private static readonly Dictionary<string, DraftField> ByProperty = All.ToDictionary(f => f.Property);

    /// <summary>The field a validation property names ("NetworkPolicies[2]" belongs to "NetworkPolicies").</summary>
    public static DraftField? Find(string propertyName) => ByProperty.GetValueOrDefault(FieldOf(propertyName));

    private static string FieldOf(string propertyName) =>
        propertyName.IndexOf('[') is var i and > 0 ? propertyName[..i] : propertyName;

    public static string LabelOf(string propertyName) => Find(propertyName)?.Label ?? propertyName;

    public static WizardStep StepOf(string propertyName) => Find(propertyName)?.Step ?? WizardStep.Review;

    private static readonly (DraftField Field, System.Reflection.PropertyInfo Property)[] TextFields = All
        .Select(f => (f, typeof(ClusterDraft).GetProperty(f.Property)!)).Where(p => p.Item2.PropertyType == typeof(string)).ToArray();

    /// <summary>A text field's value by its property name (the range fields the address planner fills, a spec's "suggest").</summary>
    public static string Get(ClusterDraft draft, string property) => (string)TextProperty(property).GetValue(draft)!;

    public static void Set(ClusterDraft draft, string property, string value) => TextProperty(property).SetValue(draft, value);

    private static System.Reflection.PropertyInfo TextProperty(string property) =>
        TextFields.FirstOrDefault(t => t.Field.Property == property).Property ?? throw new ArgumentException($"{property} is not a text field of the draft.");

    /// <summary>
    /// The bounds every input meets before any rule parses it: text fields by their length, policies by their
    /// count and size. Nothing here echoes the text back.
    /// </summary>
    public static IEnumerable<(string Property, string Message)> OutOfBounds(ClusterDraft draft)
    {
        foreach (var (field, property) in TextFields)
            if (property.GetValue(draft) is string { Length: var length } && length > field.MaxLength)
                yield return (field.Property, Invariant($"At most {field.MaxLength:N0} characters (this has {length:N0}): shorten it."));
        var policies = draft.NetworkPolicies;
        if (policies is null)
            yield return (nameof(ClusterDraft.NetworkPolicies), "Must be a list of policies (empty for none).");
        else if (policies.Count > InputLimits.MaxPolicies)
            yield return (nameof(ClusterDraft.NetworkPolicies), Invariant($"At most {InputLimits.MaxPolicies} network policies per cluster (this has {policies.Count:N0}): apply the rest after the cluster is up."));
        else
            for (var i = 0; i < policies.Count; i++)
                if (policies[i] is null)
                    yield return ($"{nameof(ClusterDraft.NetworkPolicies)}[{i}]", "The policy is empty: write a NetworkPolicy or remove it.");
                else if (policies[i].Length > InputLimits.MaxPolicyBytes)
                    yield return ($"{nameof(ClusterDraft.NetworkPolicies)}[{i}]", Invariant($"The policy is larger than {InputLimits.MaxPolicyBytes / 1024} KB: split it or shorten it."));
    }

    /// <summary>
    /// The labels of the fields in which two drafts would make different clusters (values compared as Review shows
    /// them, so "10.20.0.0/16 " and "10.20.0.0/16" are the same; policies by their parsed content). Where to deploy is
    /// not part of a cluster.
    /// </summary>
    public static IReadOnlyList<string> Differences(ClusterDraft a, ClusterDraft b) => All
        .Where(f => f.Property != nameof(ClusterDraft.Target) && (f.Show is not null || f.Property == nameof(ClusterDraft.NetworkPolicies)))
        .Where(f => Comparable(f, a) != Comparable(f, b)).Select(f => f.Label).Distinct().ToArray();

    private static string? Comparable(DraftField field, ClusterDraft d) => field.Property == nameof(ClusterDraft.NetworkPolicies)
        ? string.Join("\n---\n", (d.NetworkPolicies ?? []).Select(y => Policies.PolicyText.Parse(y).Policy is { } p ? Policies.PolicyText.ToYaml(p) : y))
        : field.Show!(d)?.Trim();

    /// <summary>A Calico setting: no Review row for Flannel (an Advanced one shows null, no row, while it is PMK's default).</summary>
    private static Func<ClusterDraft, string?> Calico(Func<ClusterDraft, string?> show) =>
        d => d.Backend == NetworkBackend.Calico ? show(d) : null;

    private static string Canonical(string cidr, NetworkStack stack) =>
        StrictCidr.Parse(cidr, stack) is { Ok: true } parsed ? parsed.Value.ToString() : cidr;
}
