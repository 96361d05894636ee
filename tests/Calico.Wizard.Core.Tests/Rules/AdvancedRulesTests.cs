using System.Text.Json.Nodes;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Core.Rules;
using k8s;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Core.Tests.Rules;

/// <summary>
/// The Network step's Advanced part: VXLAN, BGP, MTU auto-detection, the Kubernetes and CIDRs detection methods, the
/// dataplane and per-provider encapsulations. Every row starts from a valid draft and changes only what it names; a
/// refusal lands on its field with a message that names the fix, an acceptance renders what the operator reads.
/// </summary>
public sealed class AdvancedRulesTests
{
    public sealed record Refusal(Action<ClusterDraft> Change, string Field, string Fragment, bool IPv6 = false);

    internal static readonly Dictionary<string, Refusal> Refusals = new() // also run in German (Localization)
    {
        ["IP-in-IP on IPv6"] = new(d => d.EncapsulationMode = EncapsulationMode.Always, nameof(ClusterDraft.EncapsulationMode), "choose Never, or VXLAN under Advanced", IPv6: true),
        // the Tigera operator's validation.go, BIRD routing mode
        ["IP-in-IP without BGP"] = new(d => d.Bgp = false, nameof(ClusterDraft.Bgp), "IP-in-IP routes are shared by BGP (the Tigera operator refuses IP-in-IP without it): enable BGP, or choose VXLAN"),
        ["IP-in-IP CrossSubnet without BGP"] = new(d => { d.ChangeEncapsulationMode(EncapsulationMode.CrossSubnet); d.Bgp = false; }, nameof(ClusterDraft.Bgp), "enable BGP, or choose VXLAN"),
        ["unencapsulated without BGP"] = new(d => { d.ChangeEncapsulationMode(EncapsulationMode.Never); d.Bgp = false; }, nameof(ClusterDraft.Bgp), "Without encapsulation, pod routes are shared by BGP"),
        ["unencapsulated IPv6 without BGP"] = new(d => d.Bgp = false, nameof(ClusterDraft.Bgp), "Without encapsulation", IPv6: true),
        ["CIDRs detection left empty"] = new(d => d.NodeAddressDetection = NodeAddressDetection.Cidrs, nameof(ClusterDraft.NodeAddressDetectionValue), "Enter one or more CIDRs the nodes' addresses are in"),
        ["CIDRs detection with host bits"] = new(d => Detect(d, NodeAddressDetection.Cidrs, "192.168.0.1/24"), nameof(ClusterDraft.NodeAddressDetectionValue), "did you mean 192.168.0.0/24"),
        ["CIDRs detection of the other family"] = new(d => Detect(d, NodeAddressDetection.Cidrs, "fd00::/64"), nameof(ClusterDraft.NodeAddressDetectionValue), "network stack is IPv4"),
        ["CIDRs detection with an empty item"] = new(d => Detect(d, NodeAddressDetection.Cidrs, "192.168.0.0/24,,192.168.1.0/24"), nameof(ClusterDraft.NodeAddressDetectionValue), "Item 2 of the list is empty"),
        ["CIDRs detection, second item bad"] = new(d => Detect(d, NodeAddressDetection.Cidrs, "192.168.0.0/24,300.1.0.0/16"), nameof(ClusterDraft.NodeAddressDetectionValue), "Item 2 ('300.1.0.0/16')"),
        ["CIDRs detection inside the Containers CIDR"] = new(d => Detect(d, NodeAddressDetection.Cidrs, "192.168.0.0/24,10.20.8.0/24"), nameof(ClusterDraft.NodeAddressDetectionValue), "10.20.8.0/24 overlaps the Containers CIDR 10.20.0.0/16: detection CIDRs hold the nodes' own addresses"),
        ["CIDRs detection around the Services CIDR"] = new(d => Detect(d, NodeAddressDetection.Cidrs, "10.0.0.0/8"), nameof(ClusterDraft.NodeAddressDetectionValue), "overlaps the Containers CIDR"),
        ["can-reach a pod address"] = new(d => Detect(d, NodeAddressDetection.CanReach, "10.20.3.4"), nameof(ClusterDraft.NodeAddressDetectionValue), "10.20.3.4 is in the Containers CIDR 10.20.0.0/16: can-reach needs an address outside the cluster"),
        ["can-reach a service address"] = new(d => Detect(d, NodeAddressDetection.CanReach, "10.21.0.1"), nameof(ClusterDraft.NodeAddressDetectionValue), "is in the Services CIDR"),
        ["Containers CIDR inside the node network"] = new(d => d.NodeNetworks = "10.20.0.0/24", nameof(ClusterDraft.ContainersCidr), "Overlaps the node network 10.20.0.0/24: pods need addresses the nodes do not use; choose a range outside it."),
        ["Services CIDR overlapping the node network"] = new(d => d.NodeNetworks = "192.168.0.0/22, 10.21.128.0/17", nameof(ClusterDraft.ServicesCidr), "Overlaps the node network 10.21.128.0/17: services need addresses"),
        ["node network with host bits"] = new(d => d.NodeNetworks = "192.168.0.1/22", nameof(ClusterDraft.NodeNetworks), "did you mean 192.168.0.0/22"),
        ["node network of the other family"] = new(d => d.NodeNetworks = "192.168.0.0/22,fd00:192:168::/64", nameof(ClusterDraft.NodeNetworks), "Item 2 ('fd00:192:168::/64')"),
        ["node network with an empty item"] = new(d => d.NodeNetworks = "192.168.0.0/22,", nameof(ClusterDraft.NodeNetworks), "Item 2 of the list is empty"),
        ["seventeen node subnets"] = new(d => d.NodeNetworks = string.Join(",", Enumerable.Range(0, 17).Select(i => $"192.168.{i}.0/24")), nameof(ClusterDraft.NodeNetworks), "At most 16 subnets (this list has 17)"),
        ["CIDRs detection outside the node network"] = new(d => { d.NodeNetworks = "192.168.0.0/22"; Detect(d, NodeAddressDetection.Cidrs, "172.16.0.0/24"); }, nameof(ClusterDraft.NodeAddressDetectionValue), "172.16.0.0/24 is outside the node network (192.168.0.0/22): no node would find its address there"),
        ["MTU auto off and MTU text bad"] = new(d => d.Mtu = "auto", nameof(ClusterDraft.Mtu), "whole number"),
    };

    public static TheoryData<string> RefusalNames => [.. Refusals.Keys];

    [Theory]
    [MemberData(nameof(RefusalNames))]
    public async Task An_advanced_choice_that_breaks_a_rule_is_refused_on_its_field_naming_the_fix(string name)
    {
        var row = Refusals[name];
        var draft = row.IPv6 ? TestDrafts.ValidIPv6(row.Change) : TestDrafts.Valid(row.Change);

        var check = await draft.CheckAsync();

        var error = Assert.Single(check.Errors);
        Assert.Equal(row.Field, error.PropertyName);
        Assert.Contains(row.Fragment, error.ErrorMessage, StringComparison.Ordinal);
    }

    private static readonly Dictionary<string, (Action<ClusterDraft> Change, bool IPv6)> Acceptances = new()
    {
        ["VXLAN Always on IPv4"] = (d => d.ChangeOverlay(Overlay.Vxlan), false),
        ["VXLAN CrossSubnet on IPv6 with NAT"] = (d => { d.ChangeOverlay(Overlay.Vxlan); d.ChangeEncapsulationMode(EncapsulationMode.CrossSubnet); d.NatOutgoing = true; }, true),
        ["VXLAN without BGP"] = (d => { d.ChangeOverlay(Overlay.Vxlan); d.Bgp = false; }, false),
        ["MTU auto-detection (the number is not used)"] = (d => { d.MtuAuto = true; d.Mtu = "not a number"; }, false),
        ["Kubernetes InternalIP detection"] = (d => d.NodeAddressDetection = NodeAddressDetection.Kubernetes, false),
        ["CIDRs detection, two node subnets"] = (d => Detect(d, NodeAddressDetection.Cidrs, " 192.168.0.0/24 , 192.168.1.0/24"), false),
        ["CIDRs detection on IPv6"] = (d => Detect(d, NodeAddressDetection.Cidrs, "fd00:192:168::/64"), true),
        ["can-reach a gateway outside the cluster"] = (d => Detect(d, NodeAddressDetection.CanReach, "192.168.0.1"), false),
        ["eBPF dataplane"] = (d => d.Dataplane = Dataplane.Bpf, false),
        ["nftables dataplane"] = (d => d.Dataplane = Dataplane.Nftables, false),
        ["node network clear of both ranges, with CIDRs detection inside it"] = (d => { d.NodeNetworks = "192.168.0.0/22, 172.16.0.0/16"; Detect(d, NodeAddressDetection.Cidrs, "192.168.1.0/24"); }, false),
        ["IPv6 node network"] = (d => d.NodeNetworks = "fd00:192:168::/64", true),
    };

    public static TheoryData<string> AcceptanceNames => [.. Acceptances.Keys];

    [Theory]
    [MemberData(nameof(AcceptanceNames))]
    public async Task An_advanced_choice_within_the_rules_is_accepted_and_renders_to_the_operators_schema(string name)
    {
        var (change, ipv6) = Acceptances[name];
        var check = await (ipv6 ? TestDrafts.ValidIPv6(change) : TestDrafts.Valid(change)).CheckAsync();

        Assert.True(check.IsValid, string.Join(" ", check.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
        Assert.Empty(Upstream.InstallationSchema.Check(ManifestRenderer.Render(check.Spec!)[0].Body));
    }

    [Fact]
    public async Task Vxlan_without_bgp_mtu_auto_ebpf_and_cidrs_render_the_installation_the_operator_reads()
    {
        var check = await TestDrafts.Valid(d =>
        {
            d.ChangeOverlay(Overlay.Vxlan);
            d.ChangeEncapsulationMode(EncapsulationMode.CrossSubnet);
            d.Bgp = false;
            d.MtuAuto = true;
            d.Dataplane = Dataplane.Bpf;
            Detect(d, NodeAddressDetection.Cidrs, "192.168.0.0/24, 192.168.1.0/24");
        }).CheckAsync();

        var network = Installation(check)["spec"]!["calicoNetwork"]!;

        Assert.Equal("Disabled", network["bgp"]!.GetValue<string>());
        Assert.Null(network["mtu"]); // Calico detects it
        Assert.Equal("BPF", network["linuxDataplane"]!.GetValue<string>());
        Assert.Equal("Enabled", network["bpfNetworkBootstrap"]!.GetValue<string>());
        Assert.Equal("Enabled", network["kubeProxyManagement"]!.GetValue<string>());
        Assert.Equal("VXLANCrossSubnet", network["ipPools"]![0]!["encapsulation"]!.GetValue<string>());
        Assert.Equal("Enabled", network["ipPools"]![0]!["natOutgoing"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["cidrs"] = new JsonArray("192.168.0.0/24", "192.168.1.0/24") }, network["nodeAddressAutodetectionV4"]));
        Assert.Contains(check.Warnings, w => w.PropertyName == nameof(ClusterDraft.Dataplane) && w.ErrorMessage.Contains("replaces kube-proxy", StringComparison.Ordinal));
        Assert.Contains(check.Warnings, w => w.ErrorMessage.Contains("VXLAN is UDP 4789", StringComparison.Ordinal));
        Assert.Contains(check.Warnings, w => w.ErrorMessage == "Calico needs TCP 5473 (Typha) open between all nodes."); // no BGP, no TCP 179
    }

    [Fact]
    public async Task Pmk_defaults_render_no_advanced_field()
    {
        var network = Installation(await TestDrafts.Valid().CheckAsync())["spec"]!["calicoNetwork"]!.AsObject();

        Assert.Equal(["bgp", "mtu", "ipPools", "nodeAddressAutodetectionV4"], network.Select(p => p.Key));
        Assert.Equal("Enabled", network["bgp"]!.GetValue<string>());
    }

    [Fact]
    public async Task Kubernetes_detection_renders_node_internal_ip_for_the_stacks_family()
    {
        var network = Installation(await TestDrafts.ValidIPv6(d => d.NodeAddressDetection = NodeAddressDetection.Kubernetes).CheckAsync())["spec"]!["calicoNetwork"]!;

        Assert.True(JsonNode.DeepEquals(new JsonObject { ["kubernetes"] = "NodeInternalIP" }, network["nodeAddressAutodetectionV6"]));
    }

    [Theory]
    [InlineData(NetworkStack.IPv4, 1460, "VXLAN over IPv4 adds 50 bytes: on a 1500-byte network the pod MTU should be at most 1450")]
    [InlineData(NetworkStack.IPv6, 1440, "VXLAN over IPv6 adds 70 bytes: on a 1500-byte network the pod MTU should be at most 1430")]
    public async Task The_mtu_warning_knows_vxlans_overhead_per_family(NetworkStack stack, int mtu, string warning)
    {
        var check = await TestDrafts.On(stack, d => d.ChangeOverlay(Overlay.Vxlan), d => d.ChangeEncapsulationMode(EncapsulationMode.Always), d => d.Mtu = $"{mtu}").CheckAsync();

        Assert.True(check.IsValid);
        Assert.Contains(check.Warnings, w => w.PropertyName == nameof(ClusterDraft.Mtu) && w.ErrorMessage.StartsWith(warning, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_node_network_is_kept_in_the_spec_and_shown_on_review_in_canonical_form()
    {
        var draft = TestDrafts.Valid(d => d.NodeNetworks = " 192.168.0.0/22 ,172.16.0.0/16");

        var check = await draft.CheckAsync();

        Assert.Equal(["192.168.0.0/22", "172.16.0.0/16"], check.Spec!.NodeNetworks);
        Assert.Equal("192.168.0.0/22, 172.16.0.0/16", DraftFields.All.Single(f => f.Property == nameof(ClusterDraft.NodeNetworks)).Show!(draft));
        Assert.Null(DraftFields.All.Single(f => f.Property == nameof(ClusterDraft.NodeNetworks)).Show!(TestDrafts.Valid())); // no row for PMK's flow
    }

    [Fact]
    public async Task Mtu_auto_detection_silences_the_mtu_rules_and_review_says_auto()
    {
        var draft = TestDrafts.Valid(d => d.MtuAuto = true, d => d.Mtu = "99999");

        var check = await draft.CheckAsync();

        Assert.True(check.IsValid);
        Assert.Null(check.Spec!.Calico!.Mtu);
        Assert.Equal("Auto (detected by Calico)", DraftFields.All.Single(f => f.Property == nameof(ClusterDraft.Mtu)).Show!(draft));
    }

    // ---------------------------------------------------------------- the provider matrix

    [Fact]
    public async Task A_provider_that_permits_only_vxlan_refuses_ip_in_ip_naming_what_it_permits()
    {
        var matrix = TestMatrices.AzureWithVxlan();
        var draft = TestDrafts.Valid(d => { d.Provider = "Azure"; d.L2Network = "prod-vnet"; });

        var check = await new ClusterRules(matrix, EmptyClusterRegistry.Instance).CheckAsync(draft);

        var error = Assert.Single(check.Errors);
        Assert.Equal(nameof(ClusterDraft.EncapsulationMode), error.PropertyName);
        Assert.Equal("Azure permits only VXLAN, VXLANCrossSubnet encapsulation, not IPIP: choose VXLAN (Advanced) with Always.", error.ErrorMessage);
    }

    [Fact]
    public async Task Choosing_that_provider_moves_the_draft_to_the_permitted_encapsulation_keeping_the_mode()
    {
        var matrix = TestMatrices.AzureWithVxlan();
        var draft = TestDrafts.Valid(d => d.ChangeEncapsulationMode(EncapsulationMode.CrossSubnet));

        draft.ChangeProvider(matrix.Find("Azure")!, matrix.BackendsFor("Azure"));
        draft.L2Network = "prod-vnet";

        Assert.Equal(NetworkBackend.Calico, draft.Backend);
        Assert.Equal(Encapsulations.VxlanCrossSubnet, draft.Encapsulation);
        Assert.True((await new ClusterRules(matrix, EmptyClusterRegistry.Instance).CheckAsync(draft)).IsValid);
    }

    [Fact]
    public void A_matrix_naming_an_encapsulation_the_operator_does_not_know_is_a_configuration_error()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new ProviderMatrix([new ProviderOption { Name = "X", Calico = true, Encapsulations = ["GRE"] }]));
        Assert.Contains("X permits encapsulation 'GRE'", e.Message, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- the spec file

    [Fact]
    public void The_spec_file_carries_every_advanced_choice_and_replays_it()
    {
        var draft = TestDrafts.ValidIPv6(d =>
        {
            d.ChangeOverlay(Overlay.Vxlan);
            d.ChangeEncapsulationMode(EncapsulationMode.Always);
            d.Bgp = false;
            d.MtuAuto = true;
            d.Dataplane = Dataplane.Nftables;
            d.AdvancedOpen = true;
            d.NodeNetworks = "fd00:192:168::/56";
            Detect(d, NodeAddressDetection.Cidrs, "fd00:192:168::/64");
        });

        var (spec, error) = DraftFile.Read(DraftFile.Write(draft));
        Assert.Null(error);
        var replayed = new ClusterDraft();
        DraftFile.Apply(spec!, replayed, ProviderMatrix.Seed);

        Assert.Empty(DraftFields.Differences(draft, replayed));
        Assert.Equal((Overlay.Vxlan, EncapsulationMode.Always, false, true, Dataplane.Nftables, true), (replayed.Overlay, replayed.EncapsulationMode, replayed.Bgp, replayed.MtuAuto, replayed.Dataplane, replayed.AdvancedOpen));
    }

    private static void Detect(ClusterDraft d, NodeAddressDetection method, string value)
    {
        d.NodeAddressDetection = method;
        d.NodeAddressDetectionValue = value;
    }

    private static JsonNode Installation(DraftCheck check)
    {
        Assert.True(check.IsValid, string.Join(" ", check.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
        return JsonNode.Parse(KubernetesJson.Serialize(ManifestRenderer.Render(check.Spec!)[0].Body))!;
    }
}
