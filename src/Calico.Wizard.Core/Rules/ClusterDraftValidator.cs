using System.Net;
using System.Numerics;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;
using FluentValidation;
using FluentValidation.Results;
using static System.FormattableString;

namespace Calico.Wizard.Core.Rules;

/// <summary>
/// Every rule of the seed and the design, in one place. The wizard runs it on each keystroke, the server on
/// submit, the API and the provisioner before they act. Warnings carry <see cref="Severity.Warning"/> and
/// never block.
/// </summary>
public sealed class ClusterDraftValidator : AbstractValidator<ClusterDraft>
{
    public const int MaxNodes = 5000; // Kubernetes' documented largest cluster
    public const int MinMtu = 576, MaxMtu = 9000, MinIPv6Mtu = 1280, MaxUnderlayMtu = 9216;
    public static readonly BigInteger MaxServiceAddresses = 1 << 20; // kube-apiserver refuses larger service ranges

    /// <summary>The key under which a check may pass its own registry (a wizard's <see cref="RegistryMemo"/>) in the root context data.</summary>
    public const string RegistryKey = "registry";

    public ClusterDraftValidator(ProviderMatrix matrix, IClusterRegistry defaultRegistry)
    {
        // Cluster
        RuleFor(d => d.Name).Custom((name, ctx) => Fail(ctx, HostName.CheckDns1123Label(name ?? "", "cluster name")));
        RuleFor(d => d.Name).CustomAsync(async (name, ctx, ct) =>
        {
            if (HostName.CheckDns1123Label(name ?? "", "") is not null) return;
            var existing = await Registry(ctx, defaultRegistry).FindByNameAsync(name!, ct);
            if (existing is not null && existing.DraftId != ctx.InstanceToValidate.Id)
                ctx.AddFailure($"A cluster named '{name}' already exists: choose another name.");
        });
        RuleFor(d => d.Provider).Custom((provider, ctx) =>
        {
            if (matrix.Find(provider) is null)
                ctx.AddFailure($"Choose a provider: {string.Join(", ", matrix.Providers.Select(p => p.Name))}.");
        });
        RuleFor(d => d.MachineKind).Custom((kind, ctx) =>
        {
            if (!Enum.IsDefined(kind)) { ctx.AddFailure("Choose physical or virtual machines."); return; }
            if (matrix.Find(ctx.InstanceToValidate.Provider) is { } p && !p.MachineKinds.Contains(kind))
                ctx.AddFailure($"{p.Name} offers {string.Join(" or ", p.MachineKinds.Select(k => k.ToString().ToLowerInvariant()))} machines only.");
        });
        RuleFor(d => d.L2Network).Custom((network, ctx) =>
        {
            if (matrix.Find(ctx.InstanceToValidate.Provider) is not { } p) return;
            var value = (network ?? "").Trim();
            if (value.Length == 0) ctx.AddFailure($"Enter the {p.NetworkLabel}, e.g. {p.NetworkExample}.");
            else if (!matrix.IsNetworkName(p, value))
                ctx.AddFailure($"'{value}' is not a valid {p.NetworkLabel}: expected something like {p.NetworkExample}.");
        });
        RuleFor(d => d.PlannedNodes).Custom((nodes, ctx) =>
            Fail(ctx, WholeNumber.Parse(nodes, 1, MaxNodes, " nodes").Error));

        // Network configuration
        RuleFor(d => d.NetworkStack).Custom((stack, ctx) =>
        {
            if (!Enum.IsDefined(stack)) ctx.AddFailure("Choose IPv4, IPv6 or dual-stack.");
        });
        // The stack's ranges; on dual-stack these are the IPv4 ones and the V6 fields hold the IPv6 ones, checked alike.
        RuleFor(d => d.ContainersCidr).Custom((cidr, ctx) => Fail(ctx, ContainersError(ctx.InstanceToValidate, cidr, ctx.InstanceToValidate.NetworkStack)));
        RuleFor(d => d.ServicesCidr).Custom((cidr, ctx) =>
            Fail(ctx, ServicesError(ctx.InstanceToValidate, cidr, ctx.InstanceToValidate.ContainersCidr, ctx.InstanceToValidate.NetworkStack)));
        RuleFor(d => d.ContainersCidr).CustomAsync((cidr, ctx, ct) => CheckRegistry(Registry(ctx, defaultRegistry), ctx, cidr, ctx.InstanceToValidate.NetworkStack, ct));
        RuleFor(d => d.ServicesCidr).CustomAsync((cidr, ctx, ct) => CheckRegistry(Registry(ctx, defaultRegistry), ctx, cidr, ctx.InstanceToValidate.NetworkStack, ct));
        When(d => d.IsDualStack, () =>
        {
            RuleFor(d => d.ContainersCidrV6).Custom((cidr, ctx) => Fail(ctx, ContainersError(ctx.InstanceToValidate, cidr, NetworkStack.IPv6)));
            RuleFor(d => d.ServicesCidrV6).Custom((cidr, ctx) =>
                Fail(ctx, ServicesError(ctx.InstanceToValidate, cidr, ctx.InstanceToValidate.ContainersCidrV6, NetworkStack.IPv6)));
            RuleFor(d => d.ContainersCidrV6).CustomAsync((cidr, ctx, ct) => CheckRegistry(Registry(ctx, defaultRegistry), ctx, cidr, NetworkStack.IPv6, ct));
            RuleFor(d => d.ServicesCidrV6).CustomAsync((cidr, ctx, ct) => CheckRegistry(Registry(ctx, defaultRegistry), ctx, cidr, NetworkStack.IPv6, ct));
        });
        RuleFor(d => d.NodeNetworks).Custom((value, ctx) =>
            Fail(ctx, NodeNetworkRule.Parse(value, ctx.InstanceToValidate.NetworkStack).Error));
        RuleFor(d => d.Backend).Custom((backend, ctx) =>
        {
            if (!Enum.IsDefined(backend)) { ctx.AddFailure("Choose a network backend."); return; }
            if (matrix.Find(ctx.InstanceToValidate.Provider) is { } p && !matrix.BackendsFor(p.Name).Contains(backend))
                ctx.AddFailure($"Calico is not offered on {p.Name}: {p.CalicoUnavailableReason ?? "see the provider support matrix."} Choose Flannel.");
        });

        RuleFor(d => d.NetworkPolicies).Custom((policies, ctx) => CheckPolicies(policies ?? [], ctx));

        When(d => d.Backend == NetworkBackend.Calico, () =>
        {
            RuleFor(d => d.IpInIpMode).Custom((mode, ctx) =>
            {
                if (!Enum.IsDefined(mode)) { ctx.AddFailure("Choose Always, CrossSubnet or Never."); return; }
                var draft = ctx.InstanceToValidate;
                if (!Enum.IsDefined(draft.Overlay)) return;
                if (draft.NetworkStack == NetworkStack.IPv6 && mode != IpInIpMode.Never && draft.Overlay == Overlay.IpInIp)
                    ctx.AddFailure("IPv6 pools cannot use IP-in-IP: choose Never, or VXLAN under Advanced.");
                else if (draft.IsDualStack && mode != IpInIpMode.Never && draft.Overlay == Overlay.IpInIp)
                    Warn(ctx, "IP-in-IP carries only the IPv4 pool: the IPv6 pool is routed unencapsulated (by BGP). Choose VXLAN under Advanced to encapsulate both.");
                else if (matrix.Find(draft.Provider) is { } p && !p.Permits(draft.Encapsulation))
                    ctx.AddFailure($"{p.Name} permits only {string.Join(", ", p.Encapsulations)} encapsulation, not {draft.Encapsulation}: choose {Describe(p.Encapsulations[0])}.");
                if (mode == IpInIpMode.Never && draft.MachineKind == MachineKind.Virtual)
                    Warn(ctx, "Encapsulation is off on virtual machines: disable port security (source/destination check on AWS) on every node, or pod traffic using Containers or Services CIDR addresses is dropped.");
                if (mode != IpInIpMode.Never && draft.Overlay == Overlay.IpInIp && draft.Provider == "AWS")
                    Warn(ctx, "IP-in-IP is IP protocol 4: allow it between the nodes in the AWS security group, or pods on different nodes cannot talk.");
                if (mode != IpInIpMode.Never && draft.Overlay == Overlay.Vxlan)
                    Warn(ctx, $"VXLAN is UDP 4789: allow it between the nodes{(draft.Provider == "AWS" ? " in the AWS security group" : " in every firewall on their path")}, or pods on different nodes cannot talk.");
            });
            RuleFor(d => d.Overlay).Custom((overlay, ctx) =>
            {
                if (!Enum.IsDefined(overlay)) ctx.AddFailure("Choose IP-in-IP or VXLAN.");
            });
            // The Tigera operator's own cross-field rule (validation.go, BIRD routing mode): pools routed by Calico's BGP
            // need BGP — "IPIP encapsulation requires that BGP is enabled", "unencapsulated IP pools require that BGP is enabled".
            RuleFor(d => d.Bgp).Custom((bgp, ctx) =>
            {
                var draft = ctx.InstanceToValidate;
                if (bgp || !Enum.IsDefined(draft.Overlay) || !Enum.IsDefined(draft.IpInIpMode)) return;
                if (draft.IpInIpMode == IpInIpMode.Never)
                    ctx.AddFailure("Without encapsulation, pod routes are shared by BGP (the Tigera operator refuses unencapsulated pools without it): enable BGP, or choose VXLAN under Advanced.");
                else if (draft.Overlay == Overlay.IpInIp)
                    ctx.AddFailure("IP-in-IP routes are shared by BGP (the Tigera operator refuses IP-in-IP without it): enable BGP, or choose VXLAN under Advanced.");
            });
            RuleFor(d => d.Dataplane).Custom((dataplane, ctx) =>
            {
                if (!Enum.IsDefined(dataplane)) { ctx.AddFailure("Choose Iptables, Nftables or BPF."); return; }
                if (dataplane == Dataplane.Bpf)
                    Warn(ctx, "The eBPF dataplane needs Linux 5.10 or later (RHEL 8.2 or later) on every node and replaces kube-proxy: the operator disables kube-proxy (kubeProxyManagement) and reaches the API server without it (bpfNetworkBootstrap).");
                if (dataplane == Dataplane.Nftables)
                    Warn(ctx, "The nftables dataplane needs Calico v3.29 or later and kube-proxy in nftables mode on every node.");
            });
            RuleFor(d => d.NatOutgoing).Custom((nat, ctx) =>
            {
                if (nat && ctx.InstanceToValidate.IpInIpMode == IpInIpMode.Never)
                    ctx.AddFailure("NAT Outgoing is disabled when encapsulation is Never (pod IPs are routed as they are): turn it off.");
            });
            RuleFor(d => d.BlockSize).Custom((text, ctx) =>
                Fail(ctx, BlockError(ctx.InstanceToValidate, text, ctx.InstanceToValidate.ContainersCidr, ctx.InstanceToValidate.NetworkStack)));
            When(d => d.IsDualStack, () =>
            {
                RuleFor(d => d.BlockSizeV6).Custom((text, ctx) =>
                    Fail(ctx, BlockError(ctx.InstanceToValidate, text, ctx.InstanceToValidate.ContainersCidrV6, NetworkStack.IPv6)));
                RuleFor(d => d.InterfaceDetectionV6).Custom((method, ctx) =>
                {
                    if (!Enum.IsDefined(method)) ctx.AddFailure("Choose an interface detection method for IPv6.");
                });
                RuleFor(d => d.InterfaceDetectionValueV6).Custom((value, ctx) =>
                    Fail(ctx, InterfaceDetectionRule.CheckFor(ctx.InstanceToValidate, ctx.InstanceToValidate.InterfaceDetectionV6, value, NetworkStack.IPv6)));
            });
            RuleFor(d => d.Mtu).Custom((text, ctx) =>
            {
                var draft = ctx.InstanceToValidate;
                if (draft.MtuAuto) return; // Calico detects it from the node network, overhead included
                var min = draft.HasIPv6 ? MinIPv6Mtu : MinMtu;
                var mtu = WholeNumber.Parse(text, min, MaxMtu, " bytes");
                if (!mtu.Ok) { ctx.AddFailure(draft.HasIPv6 && mtu.Error!.Contains("out of range") ? $"{mtu.Error} IPv6 needs at least {MinIPv6Mtu}." : mtu.Error!); return; }
                var underlay = WholeNumber.Parse(draft.UnderlayMtu, MinMtu, MaxUnderlayMtu, "");
                if (!Enum.IsDefined(draft.Overlay) || !Enum.IsDefined(draft.IpInIpMode)) return;
                var overhead = Encapsulations.Overhead(draft.Overlay, draft.IpInIpMode, draft.NetworkStack);
                var protocol = draft.Overlay == Overlay.Vxlan ? $"VXLAN over {(draft.HasIPv6 ? "IPv6" : "IPv4")}" : "IP-in-IP";
                if (underlay.Ok && overhead > 0 && mtu.Value > underlay.Value - overhead)
                    Warn(ctx, $"{protocol} adds {overhead} bytes: on a {underlay.Value}-byte network the pod MTU should be at most {underlay.Value - overhead}; {mtu.Value} will fragment or drop large packets (or choose MTU auto-detection under Advanced).");
                else if (underlay.Ok && mtu.Value > underlay.Value)
                    Warn(ctx, $"The pod MTU {mtu.Value} is larger than the node network's {underlay.Value}: large packets will be dropped.");
            });
            RuleFor(d => d.UnderlayMtu).Custom((text, ctx) =>
                Fail(ctx, WholeNumber.Parse(text, MinMtu, MaxUnderlayMtu, " bytes").Error));
            RuleFor(d => d.InterfaceDetection).Custom((method, ctx) =>
            {
                if (!Enum.IsDefined(method)) ctx.AddFailure("Choose an interface detection method.");
            });
            RuleFor(d => d.InterfaceDetectionValue).Custom((value, ctx) =>
                Fail(ctx, InterfaceDetectionRule.CheckFor(ctx.InstanceToValidate, ctx.InstanceToValidate.InterfaceDetection, value, ctx.InstanceToValidate.NetworkStack)));
            RuleFor(d => d.Backend).Custom((_, ctx) =>
                Warn(ctx, ctx.InstanceToValidate.Bgp
                    ? "Calico needs TCP 5473 (Typha) and TCP 179 (BGP) open between all nodes."
                    : "Calico needs TCP 5473 (Typha) open between all nodes."));
        });
    }

    private static void CheckPolicies(List<string> policies, ValidationContext<ClusterDraft> ctx)
    {
        var seen = new Dictionary<string, int>();
        for (var i = 0; i < policies.Count; i++)
        {
            var path = $"{nameof(ClusterDraft.NetworkPolicies)}[{i}]";
            var parsed = Policies.PolicyText.Parse(policies[i]);
            if (parsed.Policy is not { } policy) { ctx.AddFailure(path, parsed.YamlError!); continue; }
            foreach (var e in Policies.NetworkPolicyRules.Errors(policy)) ctx.AddFailure(path, e.ToString());
            foreach (var h in Policies.NetworkPolicyRules.Hints(policy).Concat(Policies.NetworkPolicyRules.FamilyWarnings(policy, ctx.InstanceToValidate.NetworkStack)))
                ctx.AddFailure(new ValidationFailure(path, $"{policy.Metadata?.NamespaceProperty}/{policy.Metadata?.Name}: {h.Message}") { Severity = Severity.Warning });
            var key = $"{policy.Metadata?.NamespaceProperty}/{policy.Metadata?.Name}";
            if (seen.TryGetValue(key, out var first))
                ctx.AddFailure(path, $"metadata.name: policy {key} is defined twice (also policy {first + 1}): give one another name or namespace.");
            else seen[key] = i;
        }
    }

    /// <summary>A pod range of <paramref name="family"/>: strict, no special-purpose block, clear of the node network.</summary>
    private static string? ContainersError(ClusterDraft draft, string? text, NetworkStack family)
    {
        var containers = StrictCidr.ParseRange(text, family);
        return containers.Error ?? NodeNetworkRule.Clash(draft, containers.Value, "pods");
    }

    /// <summary>A service range of <paramref name="family"/>: strict, at most 2^20 addresses, clear of its pod range and the node network.</summary>
    private static string? ServicesError(ClusterDraft draft, string? text, string? containersText, NetworkStack family)
    {
        var services = StrictCidr.ParseRange(text, family);
        if (!services.Ok) return services.Error;
        var size = BigInteger.Pow(2, StrictCidr.AddressBits(services.Value) - services.Value.PrefixLength);
        if (size > MaxServiceAddresses)
            return Invariant($"{services.Value} has {size:N0} addresses; Kubernetes allows at most {MaxServiceAddresses:N0}: use a /{StrictCidr.AddressBits(services.Value) - 20} or longer prefix.");
        var containers = StrictCidr.Parse(containersText, family);
        if (containers.Ok && StrictCidr.Overlap(containers.Value, services.Value))
            return $"Overlaps the Containers CIDR {containers.Value}: pods and services need separate ranges.";
        return NodeNetworkRule.Clash(draft, services.Value, "services");
    }

    /// <summary>A pool's block size: in the family's range, not wider than the pool, and leaving a block for every planned node.</summary>
    private static string? BlockError(ClusterDraft draft, string? text, string? containersText, NetworkStack family)
    {
        var ipv6 = family == NetworkStack.IPv6;
        var (min, max) = BlockCapacity.Range(family);
        var block = WholeNumber.Parse(text, min, max, ipv6 ? " for IPv6" : "");
        if (!block.Ok)
            return !ipv6 && block.Error!.Contains("out of range")
                ? $"Block size must be greater than 20 and less than 32 (21–31); {text!.Trim()} is not."
                : block.Error;
        var containers = StrictCidr.Parse(containersText, family);
        if (!containers.Ok) return null;
        var prefix = containers.Value.PrefixLength;
        var pool = draft.IsDualStack ? (ipv6 ? "IPv6 Containers CIDR" : "IPv4 Containers CIDR") : "Containers CIDR";
        if (block.Value < prefix)
            return $"A /{block.Value} block is wider than the {pool} {containers.Value}: use a block size of at least {Math.Max(prefix, min)}, or a larger {pool}.";
        var nodes = WholeNumber.Parse(draft.PlannedNodes, 1, MaxNodes, "");
        var capacity = BlockCapacity.Of(prefix, block.Value, family);
        if (!nodes.Ok || capacity.MaxNodes >= nodes.Value) return null;
        var fitting = BlockCapacity.SmallestFitting(prefix, nodes.Value, family);
        return Invariant($"{nodes.Value} planned nodes do not fit: block size {block.Value} in a /{prefix} allows up to {capacity.MaxNodes:N0} nodes. ") +
            (fitting is { } f ? $"Use block size {f} or larger, or a larger {pool}." : $"Use a larger {pool}.");
    }

    /// <summary>The seed's prerequisite: no two clusters on one L2 network share a range (of either family).</summary>
    private static async Task CheckRegistry(IClusterRegistry registry, ValidationContext<ClusterDraft> ctx, string? text, NetworkStack family, CancellationToken ct)
    {
        var draft = ctx.InstanceToValidate;
        var mine = StrictCidr.Parse(text, family);
        if (!mine.Ok || string.IsNullOrWhiteSpace(draft.L2Network)) return;
        foreach (var other in await registry.OverlappingAsync(draft.Provider, draft.L2Network.Trim(), mine.Value, ct))
        {
            if (other.DraftId == draft.Id) continue;
            if (other.Ranges.FirstOrDefault(r => StrictCidr.Overlap(mine.Value, r.Cidr)) is { Name: not null } clash)
            {
                ctx.AddFailure($"Overlaps cluster '{other.Name}' ({clash.Name} CIDR {clash.Cidr}) on the same network '{other.L2Network}': subnets on one L2 network must not coincide; choose another range.");
                return;
            }
        }
    }

    /// <summary>How the wizard names an encapsulation: its overlay and mode, as the Network step offers them.</summary>
    public static string Describe(string encapsulation) => Encapsulations.Parse(encapsulation) switch
    {
        (_, IpInIpMode.Never) => "Never (no encapsulation)",
        (Overlay.Vxlan, var mode) => $"VXLAN (Advanced) with {mode}",
        (_, var mode) => $"IP-in-IP {mode}",
    };

    private static IClusterRegistry Registry(ValidationContext<ClusterDraft> ctx, IClusterRegistry fallback) =>
        ctx.RootContextData.TryGetValue(RegistryKey, out var registry) && registry is IClusterRegistry given ? given : fallback;

    private static void Fail(ValidationContext<ClusterDraft> ctx, string? error)
    {
        if (error is not null) ctx.AddFailure(error);
    }

    private static void Warn(ValidationContext<ClusterDraft> ctx, string message) =>
        ctx.AddFailure(new ValidationFailure(ctx.PropertyPath, message) { Severity = Severity.Warning });
}
