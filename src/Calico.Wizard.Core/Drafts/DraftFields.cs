using System.Text.Json;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Input;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Resources;
using Calico.Wizard.Core.Rules;

namespace Calico.Wizard.Core.Drafts;

/// <summary>
/// One field of the draft: the label the wizard shows (PMK's), the step that asks for it, its key in the spec file
/// and the API, and how Review shows it (null: not a row of its own).
/// </summary>
/// <param name="LabelName">The name of the label's resource in <see cref="Messages"/>: the map is static, so it holds the name, not the text.</param>
public sealed record DraftField(string Property, string LabelName, WizardStep Step, Func<ClusterDraft, string?>? Show = null, int MaxLength = DraftField.Short)
{
    /// <summary>The label in the current UI language ("Cluster name", "Clustername"), read on each use.</summary>
    public string Label => Text.Get(LabelName);

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
        new(nameof(ClusterDraft.Name), nameof(Messages.FieldName), WizardStep.Cluster, d => d.Name, MaxLength: 253),
        new(nameof(ClusterDraft.Provider), nameof(Messages.FieldProvider), WizardStep.Cluster, d => d.Provider),
        new(nameof(ClusterDraft.MachineKind), nameof(Messages.FieldMachineKind), WizardStep.Cluster, d => d.MachineKind.ToString()),
        new(nameof(ClusterDraft.L2Network), nameof(Messages.FieldL2Network), WizardStep.Cluster, d => d.L2Network.Trim(), MaxLength: ProviderMatrix.MaxNetworkLength),
        new(nameof(ClusterDraft.PlannedNodes), nameof(Messages.FieldPlannedNodes), WizardStep.Cluster, d => d.PlannedNodes.Trim()),
        new(nameof(ClusterDraft.Target), nameof(Messages.FieldTarget), WizardStep.Cluster, d => d.Target, MaxLength: 253),
        new(nameof(ClusterDraft.NetworkStack), nameof(Messages.FieldNetworkStack), WizardStep.Network, d => d.NetworkStack.ToString()),
        new(nameof(ClusterDraft.ContainersCidr), nameof(Messages.FieldContainersCidr), WizardStep.Network, d => Canonical(d.ContainersCidr, d.NetworkStack)),
        new(nameof(ClusterDraft.ServicesCidr), nameof(Messages.FieldServicesCidr), WizardStep.Network, d => Canonical(d.ServicesCidr, d.NetworkStack)),
        new(nameof(ClusterDraft.ContainersCidrV6), nameof(Messages.FieldContainersCidrV6), WizardStep.Network, d => d.IsDualStack ? Canonical(d.ContainersCidrV6, NetworkStack.IPv6) : null),
        new(nameof(ClusterDraft.ServicesCidrV6), nameof(Messages.FieldServicesCidrV6), WizardStep.Network, d => d.IsDualStack ? Canonical(d.ServicesCidrV6, NetworkStack.IPv6) : null),
        new(nameof(ClusterDraft.Backend), nameof(Messages.FieldBackend), WizardStep.Network, d => d.Backend.ToString()),
        new(nameof(ClusterDraft.NodeNetworks), nameof(Messages.FieldNodeNetworks), WizardStep.Network,
            d => NodeNetworkRule.Parse(d.NodeNetworks, d.NetworkStack) is { Error: null, Networks.Count: > 0 } n ? string.Join(", ", n.Networks) : d.NodeNetworks.Trim() is { Length: > 0 } raw ? raw : null,
            MaxLength: Input.InputLimits.MaxNodeNetworks * 44),
        new(nameof(ClusterDraft.EncapsulationMode), nameof(Messages.FieldEncapsulationMode), WizardStep.Network, Calico(d => d.EncapsulationMode.ToString())),
        new(nameof(ClusterDraft.Overlay), nameof(Messages.FieldOverlay), WizardStep.Network, Calico(d => d.Overlay == Overlay.Vxlan ? $"VXLAN ({d.Encapsulation})" : null)),
        new(nameof(ClusterDraft.Bgp), nameof(Messages.FieldBgp), WizardStep.Network, Calico(d => d.Bgp ? null : Messages.ShowDisabled)),
        new(nameof(ClusterDraft.NatOutgoing), nameof(Messages.FieldNatOutgoing), WizardStep.Network, Calico(d => d.NatOutgoing ? Messages.ShowEnabled : Messages.ShowDisabled)),
        new(nameof(ClusterDraft.BlockSize), nameof(Messages.FieldBlockSize), WizardStep.Network,
            Calico(d => $"/{d.BlockSize.Trim()}" + (ClusterRules.CapacityOf(d) is { } c ? $" ({c.Describe()})" : ""))),
        new(nameof(ClusterDraft.BlockSizeV6), nameof(Messages.FieldBlockSizeV6), WizardStep.Network,
            Calico(d => d.IsDualStack ? $"/{d.BlockSizeV6.Trim()}" + (ClusterRules.CapacityOfV6(d) is { } c ? $" ({c.Describe()})" : "") : null)),
        new(nameof(ClusterDraft.Mtu), nameof(Messages.FieldMtu), WizardStep.Network, Calico(d => d.MtuAuto ? Messages.ShowMtuAuto : d.Mtu.Trim())),
        new(nameof(ClusterDraft.MtuAuto), nameof(Messages.FieldMtuAuto), WizardStep.Network),
        new(nameof(ClusterDraft.NodeNetworkMtu), nameof(Messages.FieldNodeNetworkMtu), WizardStep.Network),
        new(nameof(ClusterDraft.NodeAddressDetection), nameof(Messages.FieldNodeAddressDetection), WizardStep.Network, Calico(d => NodeAddressDetectionRule.Describe(d.NodeAddressDetection, d.NodeAddressDetectionValue))),
        new(nameof(ClusterDraft.NodeAddressDetectionValue), nameof(Messages.FieldNodeAddressDetection), WizardStep.Network,
            MaxLength: InputLimits.MaxSkipPatterns * (GoRegex.MaxLength + 1)),
        new(nameof(ClusterDraft.NodeAddressDetectionV6), nameof(Messages.FieldNodeAddressDetectionV6), WizardStep.Network,
            Calico(d => d.IsDualStack ? NodeAddressDetectionRule.Describe(d.NodeAddressDetectionV6, d.NodeAddressDetectionValueV6) : null)),
        new(nameof(ClusterDraft.NodeAddressDetectionValueV6), nameof(Messages.FieldNodeAddressDetectionV6), WizardStep.Network,
            MaxLength: InputLimits.MaxSkipPatterns * (GoRegex.MaxLength + 1)),
        new(nameof(ClusterDraft.Dataplane), nameof(Messages.FieldDataplane), WizardStep.Network, Calico(d => d.Dataplane switch
        {
            Dataplane.Bpf => Messages.ShowEbpf,
            Dataplane.Nftables => "nftables", // the dataplane's own name
            _ => null,
        })),
        new(nameof(ClusterDraft.AdvancedOpen), nameof(Messages.FieldAdvancedOpen), WizardStep.Network),
        new(nameof(ClusterDraft.NetworkPolicies), nameof(Messages.FieldNetworkPolicies), WizardStep.Policies),
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
                yield return (field.Property, Text.Format(Messages.FieldTooLong, field.MaxLength, length));
        var policies = draft.NetworkPolicies;
        if (policies is null)
            yield return (nameof(ClusterDraft.NetworkPolicies), Messages.PoliciesNotAList);
        else if (policies.Count > InputLimits.MaxPolicies)
            yield return (nameof(ClusterDraft.NetworkPolicies), Text.Format(Messages.PoliciesTooMany, InputLimits.MaxPolicies, policies.Count));
        else
            for (var i = 0; i < policies.Count; i++)
                if (policies[i] is null)
                    yield return ($"{nameof(ClusterDraft.NetworkPolicies)}[{i}]", Messages.PolicyNull);
                else if (policies[i].Length > InputLimits.MaxPolicyBytes)
                    yield return ($"{nameof(ClusterDraft.NetworkPolicies)}[{i}]", Text.Format(Messages.PolicyTooLarge, InputLimits.MaxPolicyBytes / 1024));
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
