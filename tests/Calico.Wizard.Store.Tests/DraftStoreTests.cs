using System.Reflection;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;
using Microsoft.EntityFrameworkCore;

namespace Calico.Wizard.Store.Tests;

public sealed class DraftStoreTests
{
    private static readonly PropertyInfo[] DraftProperties =
        typeof(ClusterDraft).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.CanWrite).ToArray();

    /// <summary>Every field away from its default, so a field the store drops or resets cannot go unnoticed.</summary>
    private static ClusterDraft EveryFieldChanged() => new()
    {
        Name = "core-02",
        Provider = "AWS",
        MachineKind = MachineKind.Physical,
        L2Network = "vpc-0a1b2c3d4e5f67890",
        PlannedNodes = "7",
        Target = "k8s-prod",
        NetworkStack = NetworkStack.IPv6,
        ContainersCidr = "fd00:1::/64",
        ServicesCidr = "fd00:2::/112",
        ContainersCidrV6 = "fd00:3::/64",
        ServicesCidrV6 = "fd00:4::/112",
        NodeNetworks = "192.168.0.0/22",
        Backend = NetworkBackend.Flannel,
        EncapsulationMode = EncapsulationMode.CrossSubnet,
        Overlay = Overlay.Vxlan,
        Bgp = false,
        NatOutgoing = false,
        BlockSize = "120",
        BlockSizeV6 = "124",
        Mtu = "1400",
        MtuAuto = true,
        NodeNetworkMtu = "9000",
        NodeAddressDetection = NodeAddressDetection.CanReach,
        NodeAddressDetectionValue = "8.8.8.8",
        NodeAddressDetectionV6 = NodeAddressDetection.Cidrs,
        NodeAddressDetectionValueV6 = "fd00:5::/64",
        Dataplane = Dataplane.Bpf,
        AdvancedOpen = true,
        NetworkPolicies =
        [
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-all\n  namespace: default\nspec:\n  podSelector: {}\n",
            "not yet valid YAML: kept as typed",
        ],
    };

    [Fact]
    public async Task Save_then_load_should_round_trip_every_field_and_the_step()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var draft = EveryFieldChanged();
        var defaults = new ClusterDraft();
        Assert.All(DraftProperties, p => Assert.NotEqual(p.GetValue(defaults), p.GetValue(draft))); // the test covers every field

        await f.Drafts.SaveAsync(draft, (int)WizardStep.Network);
        var saved = await f.Drafts.LoadAsync(draft.Id);

        Assert.NotNull(saved);
        Assert.Equal((int)WizardStep.Network, saved.Step);
        Assert.Null(saved.ClusterId);
        Assert.NotSame(draft, saved.Draft);
        Assert.All(DraftProperties, p => Assert.Equal(p.GetValue(draft), p.GetValue(saved.Draft)));
    }

    [Fact]
    public async Task Save_should_update_the_same_row_when_saved_twice()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var draft = TestDrafts.Valid();
        await f.Drafts.SaveAsync(draft, (int)WizardStep.Cluster);

        draft.Name = "edge-99";
        draft.Mtu = "1380";
        await f.Drafts.SaveAsync(draft, (int)WizardStep.Policies);

        var saved = await f.Drafts.LoadAsync(draft.Id);
        Assert.NotNull(saved);
        Assert.Equal("edge-99", saved.Draft.Name);
        Assert.Equal("1380", saved.Draft.Mtu);
        Assert.Equal((int)WizardStep.Policies, saved.Step);
        await using var db = await f.NewDbContextAsync();
        Assert.Equal(draft.Id, Assert.Single(await db.Drafts.Select(d => d.Id).ToListAsync()));
    }

    [Fact]
    public async Task Load_should_return_null_when_id_is_unknown()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        await f.Drafts.SaveAsync(TestDrafts.Valid(), 0);

        Assert.Null(await f.Drafts.LoadAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task Load_should_return_the_cluster_id_when_the_saved_draft_was_submitted()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var draft = TestDrafts.Valid();
        await f.Drafts.SaveAsync(draft, (int)WizardStep.Review);

        var result = await f.Submission.SubmitAsync(draft);

        Assert.True(result.Accepted);
        var saved = await f.Drafts.LoadAsync(draft.Id);
        Assert.NotNull(saved);
        Assert.Equal(result.ClusterId, saved.ClusterId);
        await using var db = await f.NewDbContextAsync();
        Assert.Equal(1, await db.Drafts.CountAsync());
    }

    [Fact]
    public async Task Load_should_return_the_draft_at_review_with_its_cluster_id_when_submitted_without_ever_being_saved()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var draft = TestDrafts.Valid();

        var result = await f.Submission.SubmitAsync(draft);

        var saved = await f.Drafts.LoadAsync(draft.Id);
        Assert.NotNull(saved);
        Assert.Equal(result.ClusterId, saved.ClusterId);
        Assert.Equal((int)WizardStep.Review, saved.Step);
        Assert.Equal("edge-01", saved.Draft.Name);
        Assert.Equal("rack-1", saved.Draft.L2Network);
    }

    [Fact]
    public async Task Save_should_keep_the_cluster_link_when_a_submitted_draft_is_saved_again()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var draft = TestDrafts.Valid();
        var result = await f.Submission.SubmitAsync(draft);

        await f.Drafts.SaveAsync(draft, (int)WizardStep.Review);

        var saved = await f.Drafts.LoadAsync(draft.Id);
        Assert.NotNull(saved);
        Assert.NotNull(result.ClusterId);
        Assert.Equal(result.ClusterId, saved.ClusterId);
    }
}
