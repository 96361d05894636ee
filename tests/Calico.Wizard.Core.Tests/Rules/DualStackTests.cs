using System.Text.Json.Nodes;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Core.Rules;
using k8s;

namespace Calico.Wizard.Core.Tests.Rules;

/// <summary>
/// Dual-stack (Advanced): the IPv4 ranges in PMK's fields, the IPv6 ones in their own, each family judged by its
/// own rules, both pools rendered, both families checked against the node network and the other clusters.
/// </summary>
public sealed class DualStackTests
{
    private static ClusterDraft Dual(params Action<ClusterDraft>[] changes) =>
        TestDrafts.Valid([d => d.ChangeNetworkStack(NetworkStack.DualStack), .. changes]);

    public sealed record Refusal(Action<ClusterDraft> Change, string Field, string Fragment);

    internal static readonly Dictionary<string, Refusal> Refusals = new() // also run in German (Localization)
    {
        ["an IPv4 range in the IPv6 Containers CIDR"] = new(d => d.ContainersCidrV6 = "10.30.0.0/16", nameof(ClusterDraft.ContainersCidrV6), "network stack is IPv6"),
        ["an IPv6 range in the (IPv4) Containers CIDR"] = new(d => d.ContainersCidr = "fd00:10:30::/64", nameof(ClusterDraft.ContainersCidr), "this field takes IPv4: on dual-stack the IPv6 ranges have their own fields"),
        ["host bits in the IPv6 Services CIDR"] = new(d => d.ServicesCidrV6 = "fd00:10:21::1/112", nameof(ClusterDraft.ServicesCidrV6), "did you mean fd00:10:21::/112"),
        ["an IPv6 service range over 2^20 addresses"] = new(d => d.ServicesCidrV6 = "fd00:10:21::/100", nameof(ClusterDraft.ServicesCidrV6), "use a /108 or longer prefix"),
        ["IPv6 pods and services overlapping"] = new(d => d.ServicesCidrV6 = "fd00:10:20::/112", nameof(ClusterDraft.ServicesCidrV6), "Overlaps the Containers CIDR fd00:10:20::/64"),
        ["IPv6 block size out of range"] = new(d => d.BlockSizeV6 = "26", nameof(ClusterDraft.BlockSizeV6), "for IPv6"),
        ["IPv6 block wider than its pool"] = new(d => { d.ContainersCidrV6 = "fd00:10:20::/120"; d.BlockSizeV6 = "118"; }, nameof(ClusterDraft.BlockSizeV6), "wider than the IPv6 Containers CIDR fd00:10:20::/120"),
        ["IPv6 pool too small for the planned nodes"] = new(d => { d.ContainersCidrV6 = "fd00:10:20::/120"; d.BlockSizeV6 = "122"; d.PlannedNodes = "5"; }, nameof(ClusterDraft.BlockSizeV6), "5 planned nodes do not fit"),
        ["IPv6 detection of the other family"] = new(d => { d.NodeAddressDetectionV6 = NodeAddressDetection.CanReach; d.NodeAddressDetectionValueV6 = "8.8.8.8"; }, nameof(ClusterDraft.NodeAddressDetectionValueV6), "network stack is IPv6"),
        ["IPv6 detection CIDR inside the IPv6 pods"] = new(d => { d.NodeAddressDetectionV6 = NodeAddressDetection.Cidrs; d.NodeAddressDetectionValueV6 = "fd00:10:20::/80"; }, nameof(ClusterDraft.NodeAddressDetectionValueV6), "overlaps the Containers CIDR fd00:10:20::/64"),
        ["IPv6 pods inside the node network"] = new(d => d.NodeNetworks = "192.168.0.0/22, fd00:10:20::/60", nameof(ClusterDraft.ContainersCidrV6), "Overlaps the node network fd00:10:20::/60"),
        ["an MTU under IPv6's floor"] = new(d => d.Mtu = "1200", nameof(ClusterDraft.Mtu), "IPv6 needs at least 1280"),
    };

    public static TheoryData<string> RefusalNames => [.. Refusals.Keys];

    [Theory]
    [MemberData(nameof(RefusalNames))]
    public async Task Each_family_is_judged_by_its_own_rules_on_its_own_field(string name)
    {
        var row = Refusals[name];

        var check = await Dual(row.Change).CheckAsync();

        var error = Assert.Single(check.Errors);
        Assert.Equal(row.Field, error.PropertyName);
        Assert.Contains(row.Fragment, error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_defaults_on_dual_stack_are_valid_and_render_one_pool_per_family_and_both_detections()
    {
        var check = await Dual(d => { d.NodeAddressDetectionV6 = NodeAddressDetection.CanReach; d.NodeAddressDetectionValueV6 = "2001:4860:4860::8888"; }).CheckAsync();

        Assert.True(check.IsValid, string.Join(" ", check.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
        var installation = JsonNode.Parse(KubernetesJson.Serialize(ManifestRenderer.Render(check.Spec!)[0].Body))!;
        Assert.Empty(Upstream.InstallationSchema.Check(installation));
        var network = installation["spec"]!["calicoNetwork"]!;
        var pools = network["ipPools"]!.AsArray();
        Assert.Equal(["default-ipv4-ippool", "default-ipv6-ippool"], pools.Select(p => p!["name"]!.GetValue<string>()));
        Assert.Equal(("10.20.0.0/16", 26, "IPIP"), (pools[0]!["cidr"]!.GetValue<string>(), pools[0]!["blockSize"]!.GetValue<int>(), pools[0]!["encapsulation"]!.GetValue<string>()));
        Assert.Equal(("fd00:10:20::/64", 122, "None"), (pools[1]!["cidr"]!.GetValue<string>(), pools[1]!["blockSize"]!.GetValue<int>(), pools[1]!["encapsulation"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["firstFound"] = true }, network["nodeAddressAutodetectionV4"]));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["canReach"] = "2001:4860:4860::8888" }, network["nodeAddressAutodetectionV6"]));
        // IP-in-IP cannot carry the IPv6 pool: the operator is told, not surprised
        Assert.Contains(check.Warnings, w => w.ErrorMessage.StartsWith("IP-in-IP carries only the IPv4 pool", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Vxlan_on_dual_stack_encapsulates_both_pools_and_counts_ipv6s_overhead()
    {
        var check = await Dual(d => d.ChangeOverlay(Overlay.Vxlan), d => d.ChangeEncapsulationMode(EncapsulationMode.CrossSubnet), d => d.Mtu = "1450").CheckAsync();

        Assert.True(check.IsValid);
        var pools = JsonNode.Parse(KubernetesJson.Serialize(ManifestRenderer.Render(check.Spec!)[0].Body))!["spec"]!["calicoNetwork"]!["ipPools"]!.AsArray();
        Assert.All(pools, p => Assert.Equal("VXLANCrossSubnet", p!["encapsulation"]!.GetValue<string>()));
        Assert.Contains(check.Warnings, w => w.ErrorMessage.StartsWith("VXLAN over IPv6 adds 70 bytes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Flannel_on_dual_stack_enables_ipv6_beside_the_ipv4_network()
    {
        var azure = Providers.ProviderMatrix.Seed.Find("Azure")!;
        var check = await Dual(d => d.ChangeProvider(azure, Providers.ProviderMatrix.Seed.BackendsFor("Azure")), d => d.L2Network = "prod-vnet").CheckAsync();

        Assert.True(check.IsValid, string.Join(" ", check.Errors.Select(e => e.ErrorMessage)));
        var configMap = (k8s.Models.V1ConfigMap)ManifestRenderer.Render(check.Spec!)[0].Body;
        var netConf = JsonNode.Parse(configMap.Data["net-conf.json"])!;
        Assert.Equal(("10.20.0.0/16", true, "fd00:10:20::/64"), (netConf["Network"]!.GetValue<string>(), netConf["EnableIPv6"]!.GetValue<bool>(), netConf["IPv6Network"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Another_clusters_ipv6_range_on_the_same_network_is_a_clash_named_by_family()
    {
        var other = FakeClusterRegistry.Cluster("edge-09", "rack-1", "10.50.0.0/16", "10.51.0.0/16") with { ContainersCidrV6 = System.Net.IPNetwork.Parse("fd00:10:20::/56") };
        var registry = new FakeClusterRegistry(("BareOS", other));

        var check = await Dual().CheckAsync(registry);

        var error = Assert.Single(check.Errors);
        Assert.Equal(nameof(ClusterDraft.ContainersCidrV6), error.PropertyName);
        Assert.Equal("Overlaps cluster 'edge-09' (IPv6 containers CIDR fd00:10:20::/56) on the same network 'rack-1': subnets on one L2 network must not coincide; choose another range.", error.ErrorMessage);
    }

    [Fact]
    public void Switching_ipv6_to_dual_stack_keeps_the_ipv6_ranges_typed_and_back_restores_them()
    {
        var draft = TestDrafts.ValidIPv6(d => { d.ContainersCidr = "fd00:99::/64"; d.NodeAddressDetection = NodeAddressDetection.Interface; d.NodeAddressDetectionValue = "eth1"; });

        draft.ChangeNetworkStack(NetworkStack.DualStack);
        Assert.Equal(("10.20.0.0/16", "fd00:99::/64", NodeAddressDetection.FirstFound, NodeAddressDetection.Interface),
            (draft.ContainersCidr, draft.ContainersCidrV6, draft.NodeAddressDetection, draft.NodeAddressDetectionV6));

        draft.ChangeNetworkStack(NetworkStack.IPv6);
        Assert.Equal(("fd00:99::/64", NodeAddressDetection.Interface, "eth1"), (draft.ContainersCidr, draft.NodeAddressDetection, draft.NodeAddressDetectionValue));
    }

    [Fact]
    public async Task Policies_of_either_family_draw_no_family_warning_on_dual_stack()
    {
        var check = await Dual(d => d.NetworkPolicies = [Core.Policies.PolicyStarters.SeedExample]).CheckAsync();

        Assert.True(check.IsValid);
        Assert.DoesNotContain(check.Warnings, w => w.ErrorMessage.Contains("matches no traffic here", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Review_and_the_spec_file_carry_the_ipv6_fields_only_on_dual_stack()
    {
        var dual = Dual(d => d.ContainersCidrV6 = "fd00:10:40::/64");
        string? Show(ClusterDraft d, string property) => DraftFields.All.Single(f => f.Property == property).Show!(d);

        Assert.Equal("fd00:10:40::/64", Show(dual, nameof(ClusterDraft.ContainersCidrV6)));
        Assert.Equal("/122 (64 IPs per node · up to 288,230,376,151,711,744 nodes)", Show(dual, nameof(ClusterDraft.BlockSizeV6)));
        Assert.Null(Show(TestDrafts.Valid(), nameof(ClusterDraft.ContainersCidrV6)));

        var (spec, error) = DraftFile.Read(DraftFile.Write(dual));
        Assert.Null(error);
        var replayed = new ClusterDraft();
        DraftFile.Apply(spec!, replayed, Providers.ProviderMatrix.Seed);
        Assert.Empty(DraftFields.Differences(dual, replayed));
        Assert.True((await replayed.CheckAsync()).IsValid);
    }
}
