using System.Text.Json;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rendering;
using YamlDotNet.Serialization;

namespace Calico.Wizard.Core.Tests.Rendering;

/// <summary>
/// What is deployed: the rendered YAML is parsed back (YamlDotNet, untyped, so every key is checked by the
/// name the Tigera operator and Flannel read) rather than string-matched.
/// </summary>
public sealed class RendererTests
{
    /// <summary>design.md's example, verbatim.</summary>
    private const string DesignExample = """
        apiVersion: operator.tigera.io/v1
        kind: Installation
        metadata: {name: default}
        spec:
          cni: {type: Calico}
          calicoNetwork:
            bgp: Enabled
            mtu: 1440
            ipPools:
            - {name: default-ipv4-ippool, cidr: 10.20.0.0/16, blockSize: 26, encapsulation: IPIP, natOutgoing: Enabled, nodeSelector: all()}
            nodeAddressAutodetectionV4: {firstFound: true}   # or canReach / interface / skipInterface
        """;

    [Fact]
    public async Task The_defaults_render_design_mds_example_exactly()
    {
        var yaml = await RenderAsync(TestDrafts.Valid());

        Assert.Equal(CanonicalYaml.Of(Parse(DesignExample)), CanonicalYaml.Of(Parse(yaml)));
    }

    [Fact]
    public async Task The_defaults_render_each_field_of_the_installation()
    {
        var root = Parse(await RenderAsync(TestDrafts.Valid()));

        Assert.Equal("operator.tigera.io/v1", Scalar(root, "apiVersion"));
        Assert.Equal("Installation", Scalar(root, "kind"));
        Assert.Equal("default", Scalar(root, "metadata", "name"));
        Assert.Equal("Calico", Scalar(root, "spec", "cni", "type"));
        Assert.Equal("Enabled", Scalar(root, "spec", "calicoNetwork", "bgp"));
        Assert.Equal("1440", Scalar(root, "spec", "calicoNetwork", "mtu"));
        var pool = SinglePool(root);
        Assert.Equal("default-ipv4-ippool", Scalar(pool, "name"));
        Assert.Equal("10.20.0.0/16", Scalar(pool, "cidr"));
        Assert.Equal("26", Scalar(pool, "blockSize"));
        Assert.Equal("IPIP", Scalar(pool, "encapsulation"));
        Assert.Equal("Enabled", Scalar(pool, "natOutgoing"));
        Assert.Equal("all()", Scalar(pool, "nodeSelector"));
        Assert.Equal("true", Scalar(root, "spec", "calicoNetwork", "nodeAddressAutodetectionV4", "firstFound"));
        Assert.False(Map(root, "spec", "calicoNetwork").ContainsKey("nodeAddressAutodetectionV6"));
    }

    [Fact]
    public async Task The_rendered_object_is_named_for_the_provisioner()
    {
        var check = await TestDrafts.Valid().CheckAsync();

        var rendered = Assert.Single(ManifestRenderer.Render(check.Spec!));
        Assert.Equal("operator.tigera.io/v1", rendered.ApiVersion);
        Assert.Equal("Installation", rendered.Kind);
        Assert.Null(rendered.Namespace);
        Assert.Equal("default", rendered.Name);
        Assert.Equal("Installation/default", rendered.Key);
    }

    [Fact]
    public async Task The_yaml_reads_back_as_a_Tigera_installation()
    {
        var installation = k8s.KubernetesYaml.Deserialize<TigeraInstallation>(await RenderAsync(TestDrafts.Valid(d => d.Mtu = "1480")));

        Assert.Equal("default", installation.Metadata.Name);
        Assert.Equal(1480, installation.Spec.CalicoNetwork.Mtu);
        Assert.Equal("10.20.0.0/16", Assert.Single(installation.Spec.CalicoNetwork.IpPools).Cidr);
        Assert.True(installation.Spec.CalicoNetwork.NodeAddressAutodetectionV4!.FirstFound);
    }

    [Theory]
    [InlineData(EncapsulationMode.Always, "IPIP")]
    [InlineData(EncapsulationMode.CrossSubnet, "IPIPCrossSubnet")]
    [InlineData(EncapsulationMode.Never, "None")]
    public async Task Encapsulation_maps_from_the_ip_in_ip_mode(EncapsulationMode mode, string encapsulation)
    {
        var root = Parse(await RenderAsync(TestDrafts.Valid(d => d.ChangeEncapsulationMode(mode))));

        Assert.Equal(encapsulation, Scalar(SinglePool(root), "encapsulation"));
    }

    [Fact]
    public async Task Nat_outgoing_off_renders_Disabled()
    {
        var root = Parse(await RenderAsync(TestDrafts.Valid(d => d.NatOutgoing = false)));

        Assert.Equal("Disabled", Scalar(SinglePool(root), "natOutgoing"));
        Assert.Equal("IPIP", Scalar(SinglePool(root), "encapsulation"));
    }

    [Fact]
    public async Task Block_size_mtu_and_cidr_are_rendered_as_chosen()
    {
        var root = Parse(await RenderAsync(TestDrafts.Valid(d => d.ContainersCidr = "172.16.0.0/12", d => d.BlockSize = "24", d => d.Mtu = "8980", d => d.NodeNetworkMtu = "9000")));

        Assert.Equal("8980", Scalar(root, "spec", "calicoNetwork", "mtu"));
        Assert.Equal("172.16.0.0/12", Scalar(SinglePool(root), "cidr"));
        Assert.Equal("24", Scalar(SinglePool(root), "blockSize"));
    }

    [Theory]
    [InlineData(NodeAddressDetection.CanReach, "8.8.8.8", "canReach")]
    [InlineData(NodeAddressDetection.CanReach, "www.google.com", "canReach")]
    [InlineData(NodeAddressDetection.Interface, "eth.*", "interface")]
    [InlineData(NodeAddressDetection.Interface, "^ens[0-9]+$", "interface")]
    [InlineData(NodeAddressDetection.SkipInterface, "enp6s0f0,eth.*", "skipInterface")]
    public async Task Interface_detection_renders_its_method_and_value(NodeAddressDetection method, string value, string key)
    {
        var root = Parse(await RenderAsync(TestDrafts.Valid(d => d.NodeAddressDetection = method, d => d.NodeAddressDetectionValue = value)));

        var detection = Map(root, "spec", "calicoNetwork", "nodeAddressAutodetectionV4");
        Assert.Equal([key], detection.Keys.Cast<string>());
        Assert.Equal(value, Scalar(detection, key));
    }

    [Fact]
    public async Task Interface_detection_value_is_rendered_trimmed()
    {
        var root = Parse(await RenderAsync(TestDrafts.Valid(d => d.NodeAddressDetection = NodeAddressDetection.CanReach, d => d.NodeAddressDetectionValue = " 8.8.8.8 ")));

        Assert.Equal("8.8.8.8", Scalar(root, "spec", "calicoNetwork", "nodeAddressAutodetectionV4", "canReach"));
    }

    [Fact]
    public async Task IPv6_renders_the_ipv6_pool_and_autodetection()
    {
        var root = Parse(await RenderAsync(TestDrafts.ValidIPv6(d => d.ContainersCidr = "2001:DB8:0:0::/64",
            d => d.NodeAddressDetection = NodeAddressDetection.CanReach, d => d.NodeAddressDetectionValue = "2001:4860:4860::8888")));

        var network = Map(root, "spec", "calicoNetwork");
        Assert.False(network.ContainsKey("nodeAddressAutodetectionV4"));
        Assert.Equal("2001:4860:4860::8888", Scalar(network, "nodeAddressAutodetectionV6", "canReach"));
        var pool = SinglePool(root);
        Assert.Equal("default-ipv6-ippool", Scalar(pool, "name"));
        Assert.Equal("2001:db8::/64", Scalar(pool, "cidr"));
        Assert.Equal("122", Scalar(pool, "blockSize"));
        Assert.Equal("None", Scalar(pool, "encapsulation"));
        Assert.Equal("Disabled", Scalar(pool, "natOutgoing"));
    }

    [Fact]
    public async Task IPv6_first_found_uses_the_v6_autodetection()
    {
        var root = Parse(await RenderAsync(TestDrafts.ValidIPv6()));

        Assert.Equal("true", Scalar(root, "spec", "calicoNetwork", "nodeAddressAutodetectionV6", "firstFound"));
        Assert.False(Map(root, "spec", "calicoNetwork").ContainsKey("nodeAddressAutodetectionV4"));
    }

    [Fact]
    public async Task Flannel_config_map_carries_the_containers_cidr()
    {
        var draft = TestDrafts.Valid(d => d.Provider = "Azure", d => d.L2Network = "prod-vnet", d => d.Backend = NetworkBackend.Flannel,
            d => d.ContainersCidr = "10.244.0.0/16");
        var root = Parse(await RenderAsync(draft));

        Assert.Equal("v1", Scalar(root, "apiVersion"));
        Assert.Equal("ConfigMap", Scalar(root, "kind"));
        Assert.Equal(ManifestRenderer.FlannelConfigMap, Scalar(root, "metadata", "name"));
        Assert.Equal(ManifestRenderer.FlannelNamespace, Scalar(root, "metadata", "namespace"));
        using var netConf = JsonDocument.Parse(Scalar(root, "data", "net-conf.json"));
        Assert.Equal("10.244.0.0/16", netConf.RootElement.GetProperty("Network").GetString());
        Assert.Equal("vxlan", netConf.RootElement.GetProperty("Backend").GetProperty("Type").GetString());
    }

    [Fact]
    public async Task Flannel_on_IPv6_carries_the_ipv6_network()
    {
        var draft = TestDrafts.ValidIPv6(d => d.Provider = "Azure", d => d.L2Network = "prod-vnet", d => d.Backend = NetworkBackend.Flannel);
        var root = Parse(await RenderAsync(draft));

        using var netConf = JsonDocument.Parse(Scalar(root, "data", "net-conf.json"));
        Assert.Equal("fd00:10:20::/64", netConf.RootElement.GetProperty("IPv6Network").GetString());
        Assert.True(netConf.RootElement.GetProperty("EnableIPv6").GetBoolean());
        Assert.False(netConf.RootElement.GetProperty("EnableIPv4").GetBoolean());
    }

    // ── ClusterSpec JSON ──────────────────────────────────────────────────────────────────────────────────

    public static TheoryData<string> Specs() => ["ipv4-calico", "ipv6-calico-can-reach", "azure-flannel", "skip-interface"];

    [Theory]
    [MemberData(nameof(Specs))]
    public async Task Cluster_spec_round_trips_through_json(string which)
    {
        var draft = which switch
        {
            "ipv4-calico" => TestDrafts.Valid(),
            "ipv6-calico-can-reach" => TestDrafts.ValidIPv6(d => d.ContainersCidr = "2001:DB8:0:0::/64",
                d => d.NodeAddressDetection = NodeAddressDetection.CanReach, d => d.NodeAddressDetectionValue = "2001:4860:4860::8888"),
            "azure-flannel" => TestDrafts.Valid(d => d.Provider = "Azure", d => d.L2Network = "prod-vnet", d => d.Backend = NetworkBackend.Flannel),
            "skip-interface" => TestDrafts.Valid(d => d.PlannedNodes = "40", d => d.ChangeEncapsulationMode(EncapsulationMode.CrossSubnet), d => d.BlockSize = "24",
                d => d.NodeAddressDetection = NodeAddressDetection.SkipInterface, d => d.NodeAddressDetectionValue = "enp6s0f0,eth.*"),
            _ => throw new ArgumentOutOfRangeException(nameof(which)),
        };
        var spec = (await draft.CheckAsync()).Spec;
        Assert.NotNull(spec);

        var json = spec.ToJson();
        var back = ClusterSpec.FromJson(json);

        Assert.Equal(spec, back);
        Assert.Equal(spec.Calico, back.Calico);
        Assert.Equal(json, back.ToJson());
        Assert.Equal(ManifestRenderer.ToYaml(spec), ManifestRenderer.ToYaml(back));
    }

    [Fact]
    public async Task Cluster_spec_json_writes_cidrs_and_enums_as_text()
    {
        var spec = (await TestDrafts.Valid().CheckAsync()).Spec!;

        using var json = JsonDocument.Parse(spec.ToJson());
        Assert.Equal("10.20.0.0/16", json.RootElement.GetProperty("containersCidr").GetString());
        Assert.Equal("10.21.0.0/16", json.RootElement.GetProperty("servicesCidr").GetString());
        Assert.Equal("IPv4", json.RootElement.GetProperty("networkStack").GetString());
        Assert.Equal("Always", json.RootElement.GetProperty("calico").GetProperty("ipInIpMode").GetString());
    }

    // ── helpers ───────────────────────────────────────────────────────────────────────────────────────────

    private static async Task<string> RenderAsync(ClusterDraft draft)
    {
        var check = await draft.CheckAsync();
        Assert.True(check.IsValid, string.Join(" | ", check.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
        return ManifestRenderer.ToYaml(check.Spec!);
    }

    private static IDictionary<object, object> Parse(string yaml) =>
        new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(yaml);

    private static IDictionary<object, object> Map(IDictionary<object, object> node, params string[] path)
    {
        foreach (var key in path)
        {
            Assert.True(node.TryGetValue(key, out var child), $"missing key '{key}'");
            node = Assert.IsAssignableFrom<IDictionary<object, object>>(child);
        }
        return node;
    }

    private static string Scalar(IDictionary<object, object> node, params string[] path)
    {
        var parent = Map(node, path[..^1]);
        Assert.True(parent.TryGetValue(path[^1], out var value), $"missing key '{path[^1]}'");
        return Assert.IsType<string>(value);
    }

    private static IDictionary<object, object> SinglePool(IDictionary<object, object> root)
    {
        var pools = Assert.IsType<List<object>>(Map(root, "spec", "calicoNetwork")["ipPools"]);
        return Assert.IsType<Dictionary<object, object>>(Assert.Single(pools));
    }
}
