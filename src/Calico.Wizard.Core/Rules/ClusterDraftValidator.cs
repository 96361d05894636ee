using System.Net;
using System.Numerics;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;
using FluentValidation;
using Calico.Wizard.Core.Resources;
using FluentValidation.Results;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Core.Rules;

/// <summary>
/// Every rule of the seed and the design, in one place. The wizard runs it on each keystroke, the server on
/// submit, the API and the provisioner before they act. Warnings carry <see cref="Severity.Warning"/> and
/// never block.
/// </summary>
public sealed class ClusterDraftValidator : AbstractValidator<ClusterDraft>
{
    public const int MaxNodes = 5000; // Kubernetes' documented largest cluster
    public const int MinMtu = 576, MaxMtu = 9000, MinIPv6Mtu = 1280, MaxNodeNetworkMtu = 9216;
    public static readonly BigInteger MaxServiceAddresses = 1 << 20; // kube-apiserver refuses larger service ranges

    /// <summary>The key under which a check may pass its own registry (a wizard's <see cref="RegistryMemo"/>) in the root context data.</summary>
    public const string RegistryKey = "registry";

    /// <summary>The key under which a check may pass a <see cref="Policies.PolicyMemo"/>: each policy text is then read once across checks.</summary>
    public const string PoliciesKey = "policies";

    /// <summary>
    /// The error codes of the two rules that read the registry: what another submission can change between a check
    /// and the store's write (a submission that lost a race for a suggested range is judged again, not refused).
    /// </summary>
    public const string RegistryOverlapCode = "RegistryOverlap", NameTakenCode = "NameTaken";

    /// <summary>
    /// The rules that read the draft alone (and the provider matrix): what a draft's content decides, the same for
    /// every request until the draft changes. The rules that ask the fleet registry are <see cref="RegistryRules"/>.
    /// </summary>
    public ClusterDraftValidator(ProviderMatrix matrix)
    {
        // A key that does not apply to the backend, stack or choices is kept and named: the one rule for the API, spec
        // files, the headless runner and the prefill (DraftFields.Ignored)
        RuleFor(d => d).Custom((draft, ctx) =>
        {
            foreach (var (field, message) in DraftFields.Ignored(draft))
                ctx.AddFailure(new ValidationFailure(field.Property, message) { Severity = Severity.Warning });
        });

        // Cluster
        RuleFor(d => d.Name).Custom((name, ctx) => Fail(ctx, HostName.CheckDns1123Label(name ?? "", LabelKind.ClusterName)));
        RuleFor(d => d.Provider).Custom((provider, ctx) =>
        {
            if (matrix.Find(provider) is null)
                ctx.AddFailure(Text.Format(Messages.ChooseProvider, string.Join(", ", matrix.Providers.Select(p => p.Name))));
        });
        RuleFor(d => d.MachineKind).Custom((kind, ctx) =>
        {
            if (!Enum.IsDefined(kind)) { ctx.AddFailure(Messages.ChooseMachineKind); return; }
            if (matrix.Find(ctx.InstanceToValidate.Provider) is { } p && !p.MachineKinds.Contains(kind))
                ctx.AddFailure(Text.Format(Messages.ProviderMachineKinds, p.Name, string.Join(Messages.ListOr, p.MachineKinds.Select(MachineWord))));
        });
        RuleFor(d => d.L2Network).Custom((network, ctx) =>
        {
            if (matrix.Find(ctx.InstanceToValidate.Provider) is not { } p) return;
            var value = (network ?? "").Trim();
            if (value.Length == 0) ctx.AddFailure(Text.Format(Messages.L2NetworkEmpty, p.NetworkLabel, p.NetworkExample));
            else if (!matrix.IsNetworkName(p, value))
                ctx.AddFailure(Text.Format(Messages.L2NetworkInvalid, value, p.NetworkLabel, p.NetworkExample));
        });
        RuleFor(d => d.PlannedNodes).Custom((nodes, ctx) =>
            Fail(ctx, WholeNumber.Parse(nodes, 1, MaxNodes, Messages.UnitNodes).Error));

        // Network configuration
        RuleFor(d => d.NetworkStack).Custom((stack, ctx) =>
        {
            if (!Enum.IsDefined(stack)) ctx.AddFailure(Messages.ChooseNetworkStack);
        });
        // The stack's ranges; on dual-stack these are the IPv4 ones and the V6 fields hold the IPv6 ones, checked alike.
        RuleFor(d => d.ContainersCidr).Custom((cidr, ctx) => Fail(ctx, ContainersError(ctx.InstanceToValidate, cidr, ctx.InstanceToValidate.NetworkStack)));
        RuleFor(d => d.ServicesCidr).Custom((cidr, ctx) =>
            Fail(ctx, ServicesError(ctx.InstanceToValidate, cidr, ctx.InstanceToValidate.ContainersCidr, ctx.InstanceToValidate.NetworkStack)));
        When(d => d.IsDualStack, () =>
        {
            RuleFor(d => d.ContainersCidrV6).Custom((cidr, ctx) => Fail(ctx, ContainersError(ctx.InstanceToValidate, cidr, NetworkStack.IPv6)));
            RuleFor(d => d.ServicesCidrV6).Custom((cidr, ctx) =>
                Fail(ctx, ServicesError(ctx.InstanceToValidate, cidr, ctx.InstanceToValidate.ContainersCidrV6, NetworkStack.IPv6)));
        });
        RuleFor(d => d.NodeNetworks).Custom((value, ctx) =>
            Fail(ctx, NodeNetworkRule.Parse(value, ctx.InstanceToValidate.NetworkStack).Error));
        RuleFor(d => d.Backend).Custom((backend, ctx) =>
        {
            if (!Enum.IsDefined(backend)) { ctx.AddFailure(Messages.ChooseBackend); return; }
            if (matrix.Find(ctx.InstanceToValidate.Provider) is { } p && !matrix.BackendsFor(p.Name).Contains(backend))
                ctx.AddFailure(Text.Format(Messages.CalicoNotOffered, p.Name,
                    p.CalicoUnavailableReason ?? Messages.SeeProviderMatrix)); // the reason is the provider's configuration, as written
        });

        RuleFor(d => d.NetworkPolicies).Custom((policies, ctx) => CheckPolicies(policies ?? [], ctx));

        When(d => d.Backend == NetworkBackend.Calico, () =>
        {
            RuleFor(d => d.EncapsulationMode).Custom((mode, ctx) =>
            {
                if (!Enum.IsDefined(mode)) { ctx.AddFailure(Messages.ChooseEncapsulationMode); return; }
                var draft = ctx.InstanceToValidate;
                if (!Enum.IsDefined(draft.Overlay)) return;
                if (draft.NetworkStack == NetworkStack.IPv6 && mode != EncapsulationMode.Never && draft.Overlay == Overlay.IpInIp)
                    ctx.AddFailure(Messages.IPv6NoIpInIp);
                else if (draft.IsDualStack && mode != EncapsulationMode.Never && draft.Overlay == Overlay.IpInIp)
                    Warn(ctx, Messages.DualStackIpInIpWarning);
                else if (matrix.Find(draft.Provider) is { } p && !p.Permits(draft.Encapsulation))
                    ctx.AddFailure(Text.Format(Messages.ProviderEncapsulation, p.Name, string.Join(", ", p.Encapsulations), draft.Encapsulation,
                        Describe(p.Encapsulations[0])));
                if (mode == EncapsulationMode.Never && draft.MachineKind == MachineKind.Virtual)
                    Warn(ctx, Messages.EncapsulationOffWarning);
                if (mode != EncapsulationMode.Never && draft.Overlay == Overlay.IpInIp && draft.Provider == "AWS")
                    Warn(ctx, Messages.AwsIpInIpWarning);
                if (mode != EncapsulationMode.Never && draft.Overlay == Overlay.Vxlan)
                    Warn(ctx, draft.Provider == "AWS" ? Messages.VxlanAwsWarning : Messages.VxlanFirewallWarning);
            });
            RuleFor(d => d.Overlay).Custom((overlay, ctx) =>
            {
                if (!Enum.IsDefined(overlay)) ctx.AddFailure(Messages.ChooseOverlay);
            });
            // The Tigera operator's own cross-field rule (validation.go, BIRD routing mode): pools routed by Calico's BGP
            // need BGP — "IPIP encapsulation requires that BGP is enabled", "unencapsulated IP pools require that BGP is enabled".
            RuleFor(d => d.Bgp).Custom((bgp, ctx) =>
            {
                var draft = ctx.InstanceToValidate;
                if (bgp || !Enum.IsDefined(draft.Overlay) || !Enum.IsDefined(draft.EncapsulationMode)) return;
                if (draft.EncapsulationMode == EncapsulationMode.Never)
                    ctx.AddFailure(Messages.BgpNeededUnencapsulated);
                else if (draft.Overlay == Overlay.IpInIp)
                    ctx.AddFailure(Messages.BgpNeededIpInIp);
            });
            RuleFor(d => d.Dataplane).Custom((dataplane, ctx) =>
            {
                if (!Enum.IsDefined(dataplane)) { ctx.AddFailure(Messages.ChooseDataplane); return; }
                if (dataplane == Dataplane.Bpf)
                    Warn(ctx, Messages.EbpfWarning);
                if (dataplane == Dataplane.Nftables)
                    Warn(ctx, Messages.NftablesWarning);
            });
            // the seed's lock, on every switch whose description it holds (both pools' NAT Outgoing)
            RuleFor(d => d).Custom((draft, ctx) =>
            {
                foreach (var field in DraftFields.LockedButOn(draft))
                    ctx.AddFailure(new ValidationFailure(field.Property, Messages.NatOutgoingWithNever));
            });
            RuleFor(d => d.BlockSize).Custom((text, ctx) =>
                Fail(ctx, BlockError(ctx.InstanceToValidate, text, ctx.InstanceToValidate.ContainersCidr, ctx.InstanceToValidate.NetworkStack)));
            When(d => d.IsDualStack, () =>
            {
                RuleFor(d => d.BlockSizeV6).Custom((text, ctx) =>
                    Fail(ctx, BlockError(ctx.InstanceToValidate, text, ctx.InstanceToValidate.ContainersCidrV6, NetworkStack.IPv6)));
                RuleFor(d => d.NodeAddressDetectionV6).Custom((method, ctx) =>
                {
                    if (!Enum.IsDefined(method)) ctx.AddFailure(Messages.ChooseDetectionMethodIPv6);
                });
                RuleFor(d => d.NodeAddressDetectionValueV6).Custom((value, ctx) =>
                    Fail(ctx, NodeAddressDetectionRule.CheckFor(
                        ctx.InstanceToValidate, ctx.InstanceToValidate.NodeAddressDetectionV6, value, NetworkStack.IPv6)));
            });
            RuleFor(d => d.Mtu).Custom((text, ctx) =>
            {
                var draft = ctx.InstanceToValidate;
                if (draft.MtuAuto) return; // Calico detects it from the node network, overhead included
                var min = draft.HasIPv6 ? MinIPv6Mtu : MinMtu;
                var mtu = WholeNumber.Parse(text, min, MaxMtu, Messages.UnitBytes);
                if (!mtu.Ok)
                {
                    ctx.AddFailure(draft.HasIPv6 && WholeNumber.OutOfRange(text, min, MaxMtu)
                        ? Text.Format(Messages.MtuIPv6Minimum, mtu.Error, MinIPv6Mtu)
                        : mtu.Error!);
                    return;
                }
                var underlay = WholeNumber.Parse(draft.NodeNetworkMtu, MinMtu, MaxNodeNetworkMtu, "");
                if (!Enum.IsDefined(draft.Overlay) || !Enum.IsDefined(draft.EncapsulationMode)) return;
                var overhead = Encapsulations.Overhead(draft.Overlay, draft.EncapsulationMode, draft.NetworkStack);
                // MTUs are byte counts written as Linux writes them: plain digits, never "1.500" or "1,500".
                var protocol = draft.Overlay == Overlay.Vxlan ? Text.Format(Messages.VxlanOver, draft.HasIPv6 ? "IPv6" : "IPv4") : "IP-in-IP";
                if (underlay.Ok && overhead > 0 && mtu.Value > underlay.Value - overhead)
                    Warn(ctx, Text.Format(Messages.MtuOverheadWarning, protocol, overhead, underlay.Value, underlay.Value - overhead, mtu.Value));
                else if (underlay.Ok && mtu.Value > underlay.Value)
                    Warn(ctx, Text.Format(Messages.MtuLargerThanUnderlayWarning, mtu.Value, underlay.Value));
            });
            RuleFor(d => d.NodeNetworkMtu).Custom((text, ctx) =>
                Fail(ctx, WholeNumber.Parse(text, MinMtu, MaxNodeNetworkMtu, Messages.UnitBytes).Error));
            RuleFor(d => d.NodeAddressDetection).Custom((method, ctx) =>
            {
                if (!Enum.IsDefined(method)) ctx.AddFailure(Messages.ChooseDetectionMethod);
            });
            RuleFor(d => d.NodeAddressDetectionValue).Custom((value, ctx) =>
                Fail(ctx, NodeAddressDetectionRule.CheckFor(
                    ctx.InstanceToValidate, ctx.InstanceToValidate.NodeAddressDetection, value, ctx.InstanceToValidate.NetworkStack)));
            RuleFor(d => d.Backend).Custom((_, ctx) =>
                Warn(ctx, ctx.InstanceToValidate.Bgp ? Messages.CalicoPortsBgpWarning : Messages.CalicoPortsWarning));
        });
    }

    private static void CheckPolicies(List<string> policies, ValidationContext<ClusterDraft> ctx)
    {
        var memo = ctx.RootContextData.TryGetValue(PoliciesKey, out var given) ? given as Policies.PolicyMemo : null;
        var seen = new Dictionary<string, int>();
        for (var i = 0; i < policies.Count; i++)
        {
            var path = $"{nameof(ClusterDraft.NetworkPolicies)}[{i}]";
            var reading = memo?.Read(policies[i]) ?? Policies.PolicyReading.Of(policies[i]);
            if (reading.Parsed.Policy is not { } policy) { ctx.AddFailure(path, reading.Parsed.YamlError!); continue; }
            foreach (var e in reading.Errors) ctx.AddFailure(path, e.ToString());
            foreach (var h in reading.Hints.Concat(Policies.NetworkPolicyRules.FamilyWarnings(policy, ctx.InstanceToValidate.NetworkStack)))
                ctx.AddFailure(new ValidationFailure(path, $"{policy.Metadata?.NamespaceProperty}/{policy.Metadata?.Name}: {h.Message}")
                {
                    Severity = Severity.Warning,
                });
            var key = $"{policy.Metadata?.NamespaceProperty}/{policy.Metadata?.Name}";
            if (seen.TryGetValue(key, out var first))
                ctx.AddFailure(path, Text.Format(Messages.PolicyDefinedTwice, key, first + 1));
            else seen[key] = i;
        }
    }

    /// <summary>A pod range of <paramref name="family"/>: strict, no special-purpose block, clear of the node network.</summary>
    private static string? ContainersError(ClusterDraft draft, string? text, NetworkStack family)
    {
        var containers = StrictCidr.ParseRange(text, family);
        return containers.Error ?? NodeNetworkRule.Clash(draft, containers.Value, RangeKind.Containers);
    }

    /// <summary>A service range of <paramref name="family"/>: strict, at most 2^20 addresses, clear of its pod range and the node network.</summary>
    private static string? ServicesError(ClusterDraft draft, string? text, string? containersText, NetworkStack family)
    {
        var services = StrictCidr.ParseRange(text, family);
        if (!services.Ok) return services.Error;
        var size = BigInteger.Pow(2, StrictCidr.AddressBits(services.Value) - services.Value.PrefixLength);
        if (size > MaxServiceAddresses)
            return Text.Format(Messages.ServicesTooLarge, services.Value, size, MaxServiceAddresses, StrictCidr.AddressBits(services.Value) - 20);
        var containers = StrictCidr.Parse(containersText, family);
        if (containers.Ok && StrictCidr.Overlap(containers.Value, services.Value))
            return Text.Format(Messages.ServicesOverlapContainers, containers.Value);
        return NodeNetworkRule.Clash(draft, services.Value, RangeKind.Services);
    }

    /// <summary>A pool's block size: in the family's range, not wider than the pool, and leaving a block for every planned node.</summary>
    private static string? BlockError(ClusterDraft draft, string? text, string? containersText, NetworkStack family)
    {
        var ipv6 = family == NetworkStack.IPv6;
        var (min, max) = BlockCapacity.Range(family);
        var block = WholeNumber.Parse(text, min, max, ipv6 ? Messages.UnitForIPv6 : "");
        if (!block.Ok)
            return !ipv6 && WholeNumber.OutOfRange(text, min, max)
                ? Text.Format(Messages.BlockSizeOutOfRange, text!.Trim())
                : block.Error;
        var containers = StrictCidr.Parse(containersText, family);
        if (!containers.Ok) return null;
        var prefix = containers.Value.PrefixLength;
        var pool = draft.IsDualStack ? (ipv6 ? Messages.PoolContainersIPv6 : Messages.PoolContainersIPv4) : Messages.PoolContainers;
        if (block.Value < prefix)
            return Text.Format(Messages.BlockWiderThanPool, block.Value, pool, containers.Value, Math.Max(prefix, min));
        var nodes = WholeNumber.Parse(draft.PlannedNodes, 1, MaxNodes, "");
        var capacity = BlockCapacity.Of(prefix, block.Value, family);
        if (!nodes.Ok || capacity.MaxNodes >= nodes.Value) return null;
        var fitting = BlockCapacity.SmallestFitting(prefix, nodes.Value, family);
        return fitting is { } f
            ? Text.Format(Messages.BlockNodesDoNotFitUseBlock, nodes.Value, block.Value, prefix, capacity.MaxNodes, f, pool)
            : Text.Format(Messages.BlockNodesDoNotFit, nodes.Value, block.Value, prefix, capacity.MaxNodes, pool);
    }

    /// <summary>How the wizard names an encapsulation: its overlay and mode, as the Network step offers them.</summary>
    public static string Describe(string encapsulation) => Encapsulations.Parse(encapsulation) switch
    {
        (_, EncapsulationMode.Never) => Messages.EncapsulationNever,
        (Overlay.Vxlan, var mode) => Text.Format(Messages.EncapsulationVxlan, mode),
        (_, var mode) => Text.Format(Messages.EncapsulationIpInIp, mode),
    };

    private static string MachineWord(MachineKind kind) => kind == MachineKind.Physical ? Messages.MachinePhysical : Messages.MachineVirtual;

    private static void Fail(ValidationContext<ClusterDraft> ctx, string? error)
    {
        if (error is not null) ctx.AddFailure(error);
    }

    private static void Warn(ValidationContext<ClusterDraft> ctx, string message) =>
        ctx.AddFailure(new ValidationFailure(ctx.PropertyPath, message) { Severity = Severity.Warning });
}
