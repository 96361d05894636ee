using System.Text.Json;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Rules;

namespace Calico.Wizard.Core.Drafts;

/// <summary>
/// One field of the draft: the label the wizard shows (PMK's), the step that asks for it, its key in the spec file
/// and the API, and how Review shows it (null: not a row of its own).
/// </summary>
public sealed record DraftField(string Property, string Label, WizardStep Step, Func<ClusterDraft, string?>? Show = null)
{
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
        new(nameof(ClusterDraft.Name), "Cluster name", WizardStep.Cluster, d => d.Name),
        new(nameof(ClusterDraft.Provider), "Provider", WizardStep.Cluster, d => d.Provider),
        new(nameof(ClusterDraft.MachineKind), "Machines", WizardStep.Cluster, d => d.MachineKind.ToString()),
        new(nameof(ClusterDraft.L2Network), "L2 network", WizardStep.Cluster, d => d.L2Network.Trim()),
        new(nameof(ClusterDraft.PlannedNodes), "Planned nodes", WizardStep.Cluster, d => d.PlannedNodes.Trim()),
        new(nameof(ClusterDraft.Target), "Deploy to", WizardStep.Cluster, d => d.Target),
        new(nameof(ClusterDraft.NetworkStack), "Network stack", WizardStep.Network, d => d.NetworkStack.ToString()),
        new(nameof(ClusterDraft.ContainersCidr), "Containers CIDR", WizardStep.Network, d => Canonical(d.ContainersCidr, d.NetworkStack)),
        new(nameof(ClusterDraft.ServicesCidr), "Services CIDR", WizardStep.Network, d => Canonical(d.ServicesCidr, d.NetworkStack)),
        new(nameof(ClusterDraft.Backend), "Network backend", WizardStep.Network, d => d.Backend.ToString()),
        new(nameof(ClusterDraft.IpInIpMode), "IP in IP Encapsulation Mode", WizardStep.Network, Calico(d => d.IpInIpMode.ToString())),
        new(nameof(ClusterDraft.NatOutgoing), "NAT Outgoing", WizardStep.Network, Calico(d => d.NatOutgoing ? "Enabled" : "Disabled")),
        new(nameof(ClusterDraft.BlockSize), "Block Size", WizardStep.Network,
            Calico(d => $"/{d.BlockSize.Trim()}" + (ClusterRules.CapacityOf(d) is { } c ? $" ({c.Describe()})" : ""))),
        new(nameof(ClusterDraft.Mtu), "MTU Size", WizardStep.Network, Calico(d => d.Mtu.Trim())),
        new(nameof(ClusterDraft.UnderlayMtu), "Node network MTU", WizardStep.Network),
        new(nameof(ClusterDraft.InterfaceDetection), "Interface Detection Method", WizardStep.Network, Calico(d => d.InterfaceDetection switch
        {
            InterfaceDetection.CanReach => $"can-reach={d.InterfaceDetectionValue.Trim()}",
            InterfaceDetection.Interface => $"interface={d.InterfaceDetectionValue.Trim()}",
            InterfaceDetection.SkipInterface => $"skip-interface={d.InterfaceDetectionValue.Trim()}",
            _ => "first-found",
        })),
        new(nameof(ClusterDraft.InterfaceDetectionValue), "Interface Detection Method", WizardStep.Network),
        new(nameof(ClusterDraft.NetworkPolicies), "Network policies", WizardStep.Policies),
    ];

    private static readonly Dictionary<string, DraftField> ByProperty = All.ToDictionary(f => f.Property);

    private static readonly Dictionary<WizardStep, HashSet<string>> ByStep =
        Enum.GetValues<WizardStep>().ToDictionary(s => s, s => All.Where(f => f.Step == s).Select(f => f.Property).ToHashSet());

    /// <summary>The field a validation property names ("NetworkPolicies[2]" belongs to "NetworkPolicies").</summary>
    public static DraftField? Find(string propertyName) => ByProperty.GetValueOrDefault(FieldOf(propertyName));

    public static string FieldOf(string propertyName) =>
        propertyName.IndexOf('[') is var i and > 0 ? propertyName[..i] : propertyName;

    public static string LabelOf(string propertyName) => Find(propertyName)?.Label ?? propertyName;

    public static IReadOnlySet<string> Of(WizardStep step) => ByStep[step];

    public static WizardStep StepOf(string propertyName) => Find(propertyName)?.Step ?? WizardStep.Review;

    private static Func<ClusterDraft, string?> Calico(Func<ClusterDraft, string> show) =>
        d => d.Backend == NetworkBackend.Calico ? show(d) : null;

    private static string Canonical(string cidr, NetworkStack stack) =>
        StrictCidr.Parse(cidr, stack) is { Ok: true } parsed ? parsed.Value.ToString() : cidr;
}
