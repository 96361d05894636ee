using System.Text.Json;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Testing;

namespace Calico.Wizard.Core.Tests.Drafts;

/// <summary>
/// What the one description per field derives: the spec file and JSON keys with their old aliases, the draft ↔ spec
/// mapping, the "which keys apply" rule, and (issue 28's proof) the IPv6 pool's own NAT Outgoing end to end.
/// </summary>
public sealed class FieldDescriptionTests
{
    /// <summary>A spec file as the last release wrote it (its Download spec, every key of the day, in its order).</summary>
    private const string LastReleaseSpec = """
        # Calico Wizard cluster spec. Replay: dotnet run --project src/Calico.Wizard.Headless -- --url URL --spec FILE
        name: edge-01
        provider: BareOS
        machineKind: Virtual
        l2Network: rack-1
        plannedNodes: 3
        target: lab
        networkStack: DualStack
        containersCidr: 10.20.0.0/16
        servicesCidr: 10.21.0.0/16
        containersCidrV6: fd00:10:20::/64
        servicesCidrV6: fd00:10:21::/112
        backend: Calico
        nodeNetworks: 192.168.0.0/24
        ipInIpMode: CrossSubnet
        overlay: Vxlan
        bgp: false
        natOutgoing: false
        blockSize: 27
        blockSizeV6: 122
        mtu: 1400
        mtuAuto: false
        underlayMtu: 9000
        interfaceDetection: CanReach
        interfaceDetectionValue: 192.168.0.1
        interfaceDetectionV6: Interface
        interfaceDetectionValueV6: eth.*
        dataplane: Nftables
        advancedOpen: true
        """;

    [Fact]
    public void A_spec_file_of_the_last_release_reads_the_same()
    {
        var (spec, error) = DraftFile.Read(LastReleaseSpec);
        Assert.Null(error);
        var draft = new ClusterDraft();
        DraftFile.Apply(spec!, draft, ProviderMatrix.Seed);

        Assert.Equal((NetworkStack.DualStack, Overlay.Vxlan, EncapsulationMode.CrossSubnet), (draft.NetworkStack, draft.Overlay, draft.EncapsulationMode));
        Assert.Equal(("9000", NodeAddressDetection.CanReach, "192.168.0.1"), (draft.NodeNetworkMtu, draft.NodeAddressDetection, draft.NodeAddressDetectionValue));
        Assert.Equal((NodeAddressDetection.Interface, "eth.*"), (draft.NodeAddressDetectionV6, draft.NodeAddressDetectionValueV6));
        Assert.False(draft.NatOutgoing);
        Assert.False(draft.NatOutgoingV6); // the IPv6 pool shared the IPv4 switch then: it keeps its value
        // and written again, it says the same with today's keys
        var again = DraftFile.Write(draft);
        Assert.Contains("\nencapsulationMode: CrossSubnet\n", again);
        Assert.Contains("\nnodeNetworkMtu: 9000\n", again);
        Assert.DoesNotContain("ipInIpMode", again);
        var (reread, _) = DraftFile.Read(again);
        var copy = new ClusterDraft { Id = draft.Id };
        DraftFile.Apply(reread!, copy, ProviderMatrix.Seed);
        Assert.Equal(DraftFile.Write(draft), DraftFile.Write(copy));
    }

    [Fact]
    public void A_stored_or_api_draft_of_the_last_release_reads_its_old_keys()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
            UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver { Modifiers = { DraftFields.ReadAliases } },
        };
        var old = """{"networkStack":"DualStack","ipInIpMode":"Never","natOutgoing":false,"underlayMtu":"9000","interfaceDetection":"Kubernetes"}""";
        var draft = JsonSerializer.Deserialize<ClusterDraft>(old, options)!;
        Assert.Equal((EncapsulationMode.Never, "9000", NodeAddressDetection.Kubernetes), (draft.EncapsulationMode, draft.NodeNetworkMtu, draft.NodeAddressDetection));
        Assert.False(draft.NatOutgoingV6); // absent: follows the IPv4 switch, as the last release rendered it
        var written = JsonSerializer.Serialize(draft, options);
        Assert.Contains("\"encapsulationMode\":\"Never\"", written);
        Assert.DoesNotContain("ipInIpMode", written);
        Assert.False(JsonSerializer.Deserialize<ClusterDraft>("""{"natOutgoing":false,"natOutgoingV6":true}""", options)!.NatOutgoing);
        Assert.True(JsonSerializer.Deserialize<ClusterDraft>("""{"natOutgoing":false,"natOutgoingV6":true}""", options)!.NatOutgoingV6);
    }

    [Fact]
    public async Task Every_field_that_reaches_the_cluster_goes_to_the_spec_and_back()
    {
        var draft = TestDrafts.Valid(d => d.ChangeNetworkStack(NetworkStack.DualStack), d => d.ChangeOverlay(Overlay.Vxlan), d => d.Bgp = false,
            d => d.BlockSize = "27", d => d.Mtu = "1400", d => d.NodeAddressDetection = NodeAddressDetection.CanReach, d => d.NodeAddressDetectionValue = "192.168.0.1",
            d => d.NodeAddressDetectionV6 = NodeAddressDetection.Interface, d => d.NodeAddressDetectionValueV6 = "eth.*", d => d.Dataplane = Dataplane.Nftables,
            d => d.NatOutgoingV6 = false, d => d.NodeNetworks = "192.168.0.0/24", d => d.PlannedNodes = "12");
        var spec = (await draft.CheckAsync()).Spec!;
        var back = spec.ToDraft();
        foreach (var field in DraftFields.All.Where(f => f.Use == FieldUse.Cluster))
            Assert.True(Equals(field.Get(draft), field.Get(back)) || field.Get(draft) is List<string> l && l.SequenceEqual((List<string>)field.Get(back)!),
                $"{field.Key}: {field.Get(draft)} became {field.Get(back)}");
        Assert.Empty(DraftFields.Differences(draft, back));
    }

    [Fact]
    public async Task The_ipv6_pool_has_its_own_nat_outgoing()
    {
        var dual = TestDrafts.Valid(d => d.ChangeNetworkStack(NetworkStack.DualStack), d => d.NatOutgoingV6 = false);
        var check = await dual.CheckAsync();
        Assert.True(check.IsValid);
        var pools = ((TigeraInstallation)ManifestRenderer.Render(check.Spec!)[0].Body).Spec.CalicoNetwork.IpPools;
        Assert.Equal(("Enabled", "Disabled"), (pools[0].NatOutgoing, pools[1].NatOutgoing));
        Assert.Equal("Disabled", DraftFields.Find(nameof(ClusterDraft.NatOutgoingV6))!.Show!(dual));

        // a spec stored before the field existed renders as it did: the IPv6 pool follows the IPv4 switch
        var stored = ClusterSpec.FromJson(check.Spec!.ToJson().Replace(",\"natOutgoingV6\":false", ""));
        Assert.Null(stored.Calico!.NatOutgoingV6);
        var old = ((TigeraInstallation)ManifestRenderer.Render(stored)[0].Body).Spec.CalicoNetwork.IpPools;
        Assert.Equal(("Enabled", "Enabled"), (old[0].NatOutgoing, old[1].NatOutgoing));

        // the seed's lock holds both pools: Never turns both off, and a draft that says otherwise is refused on the field
        dual.ChangeEncapsulationMode(EncapsulationMode.Never);
        Assert.Equal((false, false), (dual.NatOutgoing, dual.NatOutgoingV6));
        dual.NatOutgoingV6 = true;
        Assert.NotNull((await dual.CheckAsync()).FirstErrorFor(nameof(ClusterDraft.NatOutgoingV6)));
    }

    [Fact]
    public async Task A_key_that_does_not_apply_is_kept_and_named_as_ignored()
    {
        var flannel = TestDrafts.Valid(d => d.Backend = NetworkBackend.Flannel, d => d.Dataplane = Dataplane.Bpf);
        var check = await flannel.CheckAsync();
        Assert.True(check.IsValid);
        var warning = Assert.Single(check.Warnings, w => w.PropertyName == nameof(ClusterDraft.Dataplane));
        Assert.Equal("Dataplane (Bpf) is ignored: it applies only to Calico, and the backend is Flannel.", warning.ErrorMessage);
        Assert.Equal(Dataplane.Bpf, flannel.Dataplane); // kept: back on Calico it is there again

        // a value at its default is nothing to say, and an IPv4 cluster's dual-stack fields are named only once changed
        Assert.DoesNotContain((await TestDrafts.Valid(d => d.Backend = NetworkBackend.Flannel).CheckAsync()).Warnings, w => w.ErrorMessage.Contains("ignored"));
        var ipv4 = await TestDrafts.Valid(d => d.BlockSizeV6 = "120", d => d.MtuAuto = true, d => d.Mtu = "1400").CheckAsync();
        Assert.Equal([nameof(ClusterDraft.BlockSizeV6), nameof(ClusterDraft.Mtu)],
            ipv4.Warnings.Where(w => w.ErrorMessage.Contains("is ignored")).Select(w => w.PropertyName).Order().ToArray());
    }
}
