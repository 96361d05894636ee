using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Input;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Resources;
using Calico.Wizard.Core.Rules;

namespace Calico.Wizard.Core.Drafts;

/// <summary>
/// The one field map. Everything that lists the draft's fields reads it: the spec file and the API's JSON (keys and
/// aliases), the OpenAPI schema, Review's rows, labels and steps, the headless robot's fill loop, the "which keys
/// apply" warning, the bounds every input meets, and the draft ↔ spec mapping. Adding a field is its property on
/// <see cref="ClusterDraft"/>, its entry here, its label in both languages, and (when it reaches the cluster) its
/// parameter on <see cref="ClusterSpec"/> or <see cref="CalicoOptions"/> — docs/architecture.md, "Add a field".
/// Order matters: it is the order the wizard asks, the spec file is written and a spec is laid on a draft.
/// </summary>
public static class DraftFields
{
    private static readonly NumberFormatInfo Invariant = NumberFormatInfo.InvariantInfo;

    /// <summary>
    /// The NAT Outgoing fieldset's switches drawn from their descriptions (the stack's own pool has its markup;
    /// dual-stack's IPv6 pool's is drawn).
    /// </summary>
    public const string Nat = "nat";

    /// <summary>The fields a fieldset draws from their descriptions that apply to the draft, in the map's order.</summary>
    public static IEnumerable<DraftField> In(string fieldset, ClusterDraft draft) =>
        All.Where(f => f.Fieldset == fieldset && WhyNotApplies(f, draft) is null);

    public static readonly IReadOnlyList<DraftField> All =
    [
        new(nameof(ClusterDraft.Name), nameof(Messages.FieldName), WizardStep.Cluster)
            { TestId = "cluster-name", Show = d => d.Name, MaxLength = 253 },
        new(nameof(ClusterDraft.Provider), nameof(Messages.FieldProvider), WizardStep.Cluster)
        {
            Control = FieldControl.Choice, TestId = "provider", OptionId = v => $"provider-{v.ToLowerInvariant()}", Show = d => d.Provider,
            Change = (d, v, matrix) =>
            {
                if (matrix.Find((string)v) is { } p) d.ChangeProvider(p, matrix.BackendsFor(p.Name));
                else d.Provider = (string)v;
            },
        },
        new(nameof(ClusterDraft.MachineKind), nameof(Messages.FieldMachineKind), WizardStep.Cluster)
            { Control = FieldControl.Choice, TestId = "machine-kind", OptionId = v => $"machine-{v.ToLowerInvariant()}", Show = d => d.MachineKind.ToString() },
        new(nameof(ClusterDraft.L2Network), nameof(Messages.FieldL2Network), WizardStep.Cluster)
            { TestId = "l2-network", Show = d => d.L2Network.Trim(), MaxLength = ProviderMatrix.MaxNetworkLength, ToSpec = d => d.L2Network.Trim() },
        new(nameof(ClusterDraft.PlannedNodes), nameof(Messages.FieldPlannedNodes), WizardStep.Cluster)
            { TestId = "planned-nodes", Show = d => d.PlannedNodes.Trim(), ToSpec = d => Number(d.PlannedNodes) },
        new(nameof(ClusterDraft.Target), nameof(Messages.FieldTarget), WizardStep.Cluster)
            { Control = FieldControl.Choice, TestId = "target", OptionId = v => $"target-{v}", Show = d => d.Target, MaxLength = 253, Use = FieldUse.Deploy },
        new(nameof(ClusterDraft.NetworkStack), nameof(Messages.FieldNetworkStack), WizardStep.Network)
        {
            Control = FieldControl.Choice, TestId = "network-stack", Show = d => d.NetworkStack.ToString(),
            OptionId = v => v == nameof(NetworkStack.DualStack) ? "dual-stack" : $"stack-{v.ToLowerInvariant()}",
            Advanced = v => v is NetworkStack.DualStack,
            Change = (d, v, _) => d.ChangeNetworkStack((NetworkStack)v),
        },
        new(nameof(ClusterDraft.ContainersCidr), nameof(Messages.FieldContainersCidr), WizardStep.Network)
        {
            Control = FieldControl.Range, TestId = "containers-cidr", Show = d => Canonical(d.ContainersCidr, d.NetworkStack),
            ToSpec = d => Cidr(d.ContainersCidr, d.NetworkStack),
        },
        new(nameof(ClusterDraft.ServicesCidr), nameof(Messages.FieldServicesCidr), WizardStep.Network)
        {
            Control = FieldControl.Range, TestId = "services-cidr", Show = d => Canonical(d.ServicesCidr, d.NetworkStack),
            ToSpec = d => Cidr(d.ServicesCidr, d.NetworkStack),
        },
        new(nameof(ClusterDraft.ContainersCidrV6), nameof(Messages.FieldContainersCidrV6), WizardStep.Network)
        {
            Control = FieldControl.Range, TestId = "containers-cidr-v6", Family = FieldFamily.DualStackIPv6,
            Show = d => d.IsDualStack ? Canonical(d.ContainersCidrV6, NetworkStack.IPv6) : null,
            ToSpec = d => d.IsDualStack ? Cidr(d.ContainersCidrV6, NetworkStack.IPv6) : null,
        },
        new(nameof(ClusterDraft.ServicesCidrV6), nameof(Messages.FieldServicesCidrV6), WizardStep.Network)
        {
            Control = FieldControl.Range, TestId = "services-cidr-v6", Family = FieldFamily.DualStackIPv6,
            Show = d => d.IsDualStack ? Canonical(d.ServicesCidrV6, NetworkStack.IPv6) : null,
            ToSpec = d => d.IsDualStack ? Cidr(d.ServicesCidrV6, NetworkStack.IPv6) : null,
        },
        new(nameof(ClusterDraft.NodeNetworks), nameof(Messages.FieldNodeNetworks), WizardStep.Network)
        {
            TestId = "node-networks", MaxLength = InputLimits.MaxNodeNetworks * 44, Advanced = v => v is string { Length: > 0 },
            Show = d => NodeNetworkRule.Parse(d.NodeNetworks, d.NetworkStack) is { Error: null, Networks.Count: > 0 } n ? string.Join(", ", n.Networks)
                : d.NodeNetworks.Trim() is { Length: > 0 } raw ? raw : null,
            ToSpec = d => NodeNetworkRule.Parse(d.NodeNetworks, d.NetworkStack).Networks is { Count: > 0 } nodes
                ? nodes.Select(n => n.ToString()).ToArray()
                : null,
        },
        new(nameof(ClusterDraft.Backend), nameof(Messages.FieldBackend), WizardStep.Network)
        {
            Control = FieldControl.Choice, TestId = "backend", OptionId = v => $"backend-{v.ToLowerInvariant()}", NoteId = "calico-unavailable",
            Show = d => d.Backend.ToString(),
        },
        new(nameof(ClusterDraft.Overlay), nameof(Messages.FieldOverlay), WizardStep.Network)
        {
            Control = FieldControl.Choice, TestId = "overlay", OptionId = v => v == nameof(Overlay.Vxlan) ? "overlay-vxlan" : "overlay-ipip",
            NoteId = "overlay-permitted", CalicoOnly = true, Advanced = v => v is Overlay.Vxlan,
            Show = Calico(d => d.Overlay == Overlay.Vxlan ? $"VXLAN ({d.Encapsulation})" : null),
            Change = (d, v, _) => d.ChangeOverlay((Overlay)v),
        },
        new(nameof(ClusterDraft.EncapsulationMode), nameof(Messages.FieldEncapsulationMode), WizardStep.Network)
        {
            Aliases = ["ipInIpMode"], Control = FieldControl.Choice, TestId = "ipip-mode", OptionId = v => $"ipip-{v.ToLowerInvariant()}",
            NoteId = "ipip-ipv6-note", CalicoOnly = true, Show = Calico(d => d.EncapsulationMode.ToString()),
            Change = (d, v, _) => d.ChangeEncapsulationMode((EncapsulationMode)v),
        },
        new(nameof(ClusterDraft.Bgp), nameof(Messages.FieldBgp), WizardStep.Network)
        {
            Control = FieldControl.Switch, TestId = "bgp-enabled", CalicoOnly = true, Advanced = v => v is false,
            Show = Calico(d => d.Bgp ? null : Messages.ShowDisabled),
        },
        new(nameof(ClusterDraft.NatOutgoing), nameof(Messages.FieldNatOutgoing), WizardStep.Network)
        {
            Control = FieldControl.Switch, TestId = "nat-outgoing", NoteId = "nat-locked-reason", CalicoOnly = true, LockedOff = NatLocked,
            Show = Calico(d => d.NatOutgoing ? Messages.ShowEnabled : Messages.ShowDisabled),
            Render = (c, network) => network.IpPools[0].NatOutgoing = Enabled(c.NatOutgoing), // the stack's own pool: IPv4, or the IPv6-only one
        },
        new(nameof(ClusterDraft.NatOutgoingV6), nameof(Messages.FieldNatOutgoingV6), WizardStep.Network)
        {
            Control = FieldControl.Switch, TestId = "nat-outgoing-v6", NoteId = "nat-locked-reason", HelpName = nameof(Messages.HelpNatOutgoingV6),
            Fieldset = Nat, CalicoOnly = true, Family = FieldFamily.DualStackIPv6, LockedOff = NatLocked,
            FollowsWhenAbsent = nameof(ClusterDraft.NatOutgoing),
            Show = Calico(d => d.IsDualStack ? d.NatOutgoingV6 ? Messages.ShowEnabled : Messages.ShowDisabled : null),
            ToSpec = d => d.IsDualStack ? d.NatOutgoingV6 : null,
            FromSpec = s => s.Calico is { } c ? c.NatOutgoingV6 ?? c.NatOutgoing : null,
            Render = (c, network) => { if (network.IpPools.Count > 1) network.IpPools[1].NatOutgoing = Enabled(c.NatOutgoingV6 ?? c.NatOutgoing); },
        },
        new(nameof(ClusterDraft.BlockSize), nameof(Messages.FieldBlockSize), WizardStep.Network)
        {
            TestId = "block-size", CalicoOnly = true, ToSpec = d => Number(d.BlockSize),
            Show = Calico(d => $"/{d.BlockSize.Trim()}" + (ClusterRules.CapacityOf(d) is { } c ? $" ({c.Describe()})" : "")),
        },
        new(nameof(ClusterDraft.BlockSizeV6), nameof(Messages.FieldBlockSizeV6), WizardStep.Network)
        {
            TestId = "block-size-v6", CalicoOnly = true, Family = FieldFamily.DualStackIPv6, ToSpec = d => d.IsDualStack ? Number(d.BlockSizeV6) : null,
            Show = Calico(d => d.IsDualStack ? $"/{d.BlockSizeV6.Trim()}" + (ClusterRules.CapacityOfV6(d) is { } c ? $" ({c.Describe()})" : "") : null),
        },
        new(nameof(ClusterDraft.Mtu), nameof(Messages.FieldMtu), WizardStep.Network)
        {
            TestId = "mtu", CalicoOnly = true, AppliesWhen = (d => !d.MtuAuto, nameof(Messages.IgnoredWhileMtuAuto)),
            Show = Calico(d => d.MtuAuto ? Messages.ShowMtuAuto : d.Mtu.Trim()), ToSpec = d => d.MtuAuto ? null : Number(d.Mtu),
        },
        new(nameof(ClusterDraft.MtuAuto), nameof(Messages.FieldMtuAuto), WizardStep.Network)
            { Control = FieldControl.Switch, TestId = "mtu-auto", CalicoOnly = true, Advanced = v => v is true, FromSpec = s => s.Calico is { Mtu: null } },
        new(nameof(ClusterDraft.NodeNetworkMtu), nameof(Messages.FieldNodeNetworkMtu), WizardStep.Network)
            { Aliases = ["underlayMtu"], TestId = "underlay-mtu", CalicoOnly = true, Use = FieldUse.Check },
        new(nameof(ClusterDraft.NodeAddressDetection), nameof(Messages.FieldNodeAddressDetection), WizardStep.Network)
        {
            Aliases = ["interfaceDetection"], Control = FieldControl.Choice, TestId = "interface-detection", OptionId = v => $"detect-{Kebab(v)}",
            CalicoOnly = true, Advanced = v => v is NodeAddressDetection.Kubernetes or NodeAddressDetection.Cidrs,
            Show = Calico(d => NodeAddressDetectionRule.Describe(d.NodeAddressDetection, d.NodeAddressDetectionValue)),
        },
        new(nameof(ClusterDraft.NodeAddressDetectionValue), nameof(Messages.FieldNodeAddressDetection), WizardStep.Network)
        {
            Aliases = ["interfaceDetectionValue"], TestId = "detect-value", CalicoOnly = true,
            MaxLength = InputLimits.MaxSkipPatterns * (GoRegex.MaxLength + 1),
            AppliesWhen = (d => NeedsValue(d.NodeAddressDetection), nameof(Messages.IgnoredByDetectionMethod)),
            ToSpec = d => NeedsValue(d.NodeAddressDetection) ? d.NodeAddressDetectionValue.Trim() : null,
        },
        new(nameof(ClusterDraft.NodeAddressDetectionV6), nameof(Messages.FieldNodeAddressDetectionV6), WizardStep.Network)
        {
            Aliases = ["interfaceDetectionV6"], Control = FieldControl.Choice, TestId = "interface-detection-v6", OptionId = v => $"detect6-{Kebab(v)}",
            CalicoOnly = true, Family = FieldFamily.DualStackIPv6, ToSpec = d => d.IsDualStack ? d.NodeAddressDetectionV6 : NodeAddressDetection.FirstFound,
            Show = Calico(d => d.IsDualStack ? NodeAddressDetectionRule.Describe(d.NodeAddressDetectionV6, d.NodeAddressDetectionValueV6) : null),
        },
        new(nameof(ClusterDraft.NodeAddressDetectionValueV6), nameof(Messages.FieldNodeAddressDetectionV6), WizardStep.Network)
        {
            Aliases = ["interfaceDetectionValueV6"], TestId = "detect-value-v6", CalicoOnly = true, Family = FieldFamily.DualStackIPv6,
            MaxLength = InputLimits.MaxSkipPatterns * (GoRegex.MaxLength + 1),
            AppliesWhen = (d => NeedsValue(d.NodeAddressDetectionV6), nameof(Messages.IgnoredByDetectionMethod)),
            ToSpec = d => d.IsDualStack && NeedsValue(d.NodeAddressDetectionV6) ? d.NodeAddressDetectionValueV6.Trim() : null,
        },
        new(nameof(ClusterDraft.Dataplane), nameof(Messages.FieldDataplane), WizardStep.Network)
        {
            Control = FieldControl.Choice, TestId = "dataplane", OptionId = v => $"dataplane-{v.ToLowerInvariant()}", CalicoOnly = true,
            Advanced = v => v is Dataplane.Nftables or Dataplane.Bpf,
            Show = Calico(d => d.Dataplane switch
            {
                Dataplane.Bpf => Messages.ShowEbpf,
                Dataplane.Nftables => "nftables", // the dataplane's own name
                _ => null,
            }),
        },
        new(nameof(ClusterDraft.AdvancedOpen), nameof(Messages.FieldAdvancedOpen), WizardStep.Network)
            { Control = FieldControl.Disclosure, TestId = "advanced-toggle", Advanced = v => v is true, Use = FieldUse.Layout },
        new(nameof(ClusterDraft.NetworkPolicies), nameof(Messages.FieldNetworkPolicies), WizardStep.Policies)
            { Control = FieldControl.Policies, TestId = "policies", ToSpec = d => d.NetworkPolicies.Count == 0 ? null : d.NetworkPolicies.ToArray() },
    ];

    private static readonly Dictionary<string, DraftField> ByProperty = All.ToDictionary(f => f.Property);

    /// <summary>The field a validation property names ("NetworkPolicies[2]" belongs to "NetworkPolicies").</summary>
    public static DraftField? Find(string propertyName) => ByProperty.GetValueOrDefault(FieldOf(propertyName));

    private static string FieldOf(string propertyName) =>
        propertyName.IndexOf('[') is var i and > 0 ? propertyName[..i] : propertyName;

    public static string LabelOf(string propertyName) => Find(propertyName)?.Label ?? propertyName;

    public static WizardStep StepOf(string propertyName) => Find(propertyName)?.Step ?? WizardStep.Review;

    private static readonly DraftField[] TextFields = All.Where(f => f.Type == typeof(string)).ToArray();

    /// <summary>A text field's value by its property name (the range fields the address planner fills, a spec's "suggest").</summary>
    public static string Get(ClusterDraft draft, string property) => (string)TextField(property).Get(draft)!;

    public static void Set(ClusterDraft draft, string property, string value) => TextField(property).Set(draft, value);

    private static DraftField TextField(string property) =>
        TextFields.FirstOrDefault(f => f.Property == property) ?? throw new ArgumentException($"{property} is not a text field of the draft.");

    /// <summary>
    /// The bounds every input meets before any rule parses it: text fields by their length, policies by their
    /// count and size. Nothing here echoes the text back.
    /// </summary>
    public static IEnumerable<(string Property, string Message)> OutOfBounds(ClusterDraft draft)
    {
        foreach (var field in TextFields)
            if (field.Get(draft) is string { Length: var length } && length > field.MaxLength)
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
        .Where(f => f.Use != FieldUse.Deploy && (f.Show is not null || f.Property == nameof(ClusterDraft.NetworkPolicies)))
        .Where(f => Comparable(f, a) != Comparable(f, b)).Select(f => f.Label).Distinct().ToArray();

    private static string? Comparable(DraftField field, ClusterDraft d) => field.Property == nameof(ClusterDraft.NetworkPolicies)
        ? string.Join("\n---\n", (d.NetworkPolicies ?? []).Select(y => Policies.PolicyText.Parse(y).Policy is { } p ? Policies.PolicyText.ToYaml(p) : y))
        : field.Show!(d)?.Trim();

    /// <summary>The field a spec or API key names: its key, or a key an earlier release wrote.</summary>
    public static DraftField? ByKey(string key) => ByKeyOrAlias.GetValueOrDefault(key);

    private static readonly Dictionary<string, DraftField> ByKeyOrAlias =
        All.SelectMany(f => f.Aliases.Prepend(f.Key).Select(k => (k, f))).ToDictionary(p => p.k, p => p.f, StringComparer.Ordinal);

    /// <summary>
    /// Whether a field applies to the draft's backend, stack and choices (<c>dataplane</c> does not to Flannel, the
    /// IPv6 block size not to an IPv4 cluster): null if it does, else why not.
    /// </summary>
    public static string? WhyNotApplies(DraftField field, ClusterDraft draft)
    {
        if (field.CalicoOnly && draft.Backend != NetworkBackend.Calico) return Text.Format(Messages.IgnoredNotCalico, draft.Backend);
        if (field.Family == FieldFamily.DualStackIPv6 && !draft.IsDualStack) return Messages.IgnoredNotDualStack;
        return field.AppliesWhen is { } w && !w.When(draft) ? Text.Get(w.ReasonName) : null;
    }

    /// <summary>
    /// The one "which keys apply" rule, the same for the API, a spec file, the headless runner and the prefill: a
    /// field that does not apply and holds a value other than its default is kept (switching back brings it back)
    /// and named in a warning that says it is ignored and why. Nothing is refused for it, nothing dropped silently.
    /// </summary>
    public static IEnumerable<(DraftField Field, string Message)> Ignored(ClusterDraft draft)
    {
        var defaults = DefaultsOn.GetValueOrDefault(draft.NetworkStack) ?? DefaultsOn[NetworkStack.IPv4]; // a stack no enum names is refused by its rule
        foreach (var field in All)
            if (WhyNotApplies(field, draft) is { } why && !Same(field.Get(draft), field.Get(defaults)))
                yield return (field, Text.Format(Messages.FieldIgnored, field.Label, Shown(field.Get(draft)), why));
    }

    /// <summary>A new draft on each stack (its defaults), made once: the rules ask on every key and only read them.</summary>
    private static readonly Dictionary<NetworkStack, ClusterDraft> DefaultsOn = Enum.GetValues<NetworkStack>().ToDictionary(stack => stack, stack =>
    {
        var draft = new ClusterDraft();
        draft.ChangeNetworkStack(stack);
        return draft;
    });

    private static bool Same(object? a, object? b) => a is string sa && b is string sb ? sa.Trim() == sb.Trim() : Equals(a, b);

    private static string Shown(object? value) => value switch
    {
        bool b => b ? Messages.ShowEnabled : Messages.ShowDisabled,
        string s => s.Trim(),
        var v => v?.ToString() ?? "",
    };

    /// <summary>The spec a draft whose every rule passed makes: each field's <see cref="DraftField.SpecValue"/>, by parameter name.</summary>
    public static ClusterSpec BuildSpec(ClusterDraft draft)
    {
        var values = All.Where(f => f.Use == FieldUse.Cluster).ToDictionary(f => f.Property, f => f.SpecValue(draft), StringComparer.OrdinalIgnoreCase);
        values[nameof(ClusterSpec.DraftId)] = draft.Id;
        values[nameof(ClusterSpec.Calico)] = draft.Backend == NetworkBackend.Calico ? Construct<CalicoOptions>(values) : null;
        return Construct<ClusterSpec>(values);
    }

    /// <summary>The draft a spec came from (in canonical form), so the same rules can judge it again.</summary>
    public static ClusterDraft ToDraft(ClusterSpec spec)
    {
        var draft = new ClusterDraft { Id = spec.DraftId };
        foreach (var field in All.Where(f => f.Use == FieldUse.Cluster))
            if (field.DraftValue(spec) is { } value) field.Set(draft, value);
        return draft;
    }

    private static T Construct<T>(IReadOnlyDictionary<string, object?> values)
    {
        var constructor = typeof(T).GetConstructors().MaxBy(c => c.GetParameters().Length)!;
        var arguments = constructor.GetParameters().Select(p => values.TryGetValue(p.Name!, out var v) ? v
            : p.HasDefaultValue ? p.DefaultValue
            : throw new InvalidOperationException($"{typeof(T).Name}.{p.Name} has no field in the draft field map.")).ToArray();
        return (T)constructor.Invoke(arguments);
    }

    /// <summary>
    /// JSON (the API's drafts, the drafts the store keeps) reads a field's old keys too: each alias becomes a
    /// write-only property of <see cref="ClusterDraft"/> that sets the field. Add it to a resolver's modifiers.
    /// </summary>
    public static void ReadAliases(JsonTypeInfo info)
    {
        if (info.Type != typeof(ClusterDraft)) return;
        foreach (var field in All)
            foreach (var alias in field.Aliases)
            {
                var property = info.CreateJsonPropertyInfo(field.Type, alias);
                property.Set = (draft, value) => field.Set((ClusterDraft)draft, value);
                info.Properties.Add(property);
            }
    }

    /// <summary>
    /// A draft read from JSON written before a field existed: it follows the field it then shared (see
    /// <see cref="DraftField.FollowsWhenAbsent"/>).
    /// </summary>
    public static bool Follows(DraftField field, Func<string, bool> present) =>
        field.FollowsWhenAbsent is not null && !present(field.Key) && !field.Aliases.Any(present);

    private static string Enabled(bool on) => on ? "Enabled" : "Disabled";

    private static object? Number(string text) => int.TryParse(text.Trim(), NumberStyles.None, Invariant, out var n) ? n : null;

    private static IPNetwork? Cidr(string text, NetworkStack family) => StrictCidr.Parse(text, family) is { Ok: true } parsed ? parsed.Value : null;

    private static bool NeedsValue(NodeAddressDetection method) => method is not (NodeAddressDetection.FirstFound or NodeAddressDetection.Kubernetes);

    /// <summary>Turns off every switch that applies and that its lock holds off (both pools' NAT Outgoing once the mode is Never).</summary>
    public static void ApplyLocks(ClusterDraft draft)
    {
        foreach (var field in LockedButOn(draft).ToList()) field.Set(draft, false);
    }

    /// <summary>The switches that apply and are on while their lock holds them off: what the rules refuse and <see cref="ApplyLocks"/> turns off.</summary>
    public static IEnumerable<DraftField> LockedButOn(ClusterDraft draft) =>
        All.Where(f => f.LockedOff?.Invoke(draft) == true && f.Get(draft) is true && WhyNotApplies(f, draft) is null);

    /// <summary>The seed: "When selecting [Never], NAT Outgoing will be disabled."</summary>
    private static bool NatLocked(ClusterDraft d) => d.EncapsulationMode == EncapsulationMode.Never;

    /// <summary>A value's test id form: FirstFound → first-found.</summary>
    public static string Kebab(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>A Calico setting: no Review row for Flannel (an Advanced one shows null, no row, while it is PMK's default).</summary>
    private static Func<ClusterDraft, string?> Calico(Func<ClusterDraft, string?> show) =>
        d => d.Backend == NetworkBackend.Calico ? show(d) : null;

    private static string Canonical(string cidr, NetworkStack stack) =>
        StrictCidr.Parse(cidr, stack) is { Ok: true } parsed ? parsed.Value.ToString() : cidr;
}
