using Calico.Wizard.Core.Drafts;

namespace Calico.Wizard.Core.Tests.Rules;

/// <summary>
/// The cluster registry (seed prerequisite: one L2 network, no overlapping ranges): a clash names the cluster and
/// its range; another network, separate ranges or the draft itself are no clash.
/// </summary>
public sealed class NetworkOverlapTests
{
    [Theory]
    [InlineData("10.20.0.0/16", "10.30.0.0/16", nameof(ClusterDraft.ContainersCidr), "containers CIDR 10.20.0.0/16")]  // same containers range
    [InlineData("10.50.0.0/16", "10.20.128.0/20", nameof(ClusterDraft.ContainersCidr), "services CIDR 10.20.128.0/20")] // our pods in their services
    [InlineData("10.21.0.0/24", "10.60.0.0/16", nameof(ClusterDraft.ServicesCidr), "containers CIDR 10.21.0.0/24")]   // our services around their pods
    public async Task A_cluster_on_the_same_network_with_an_overlapping_range_is_named(string theirContainers, string theirServices, string field, string theirRange)
    {
        var registry = new FakeClusterRegistry(("BareOS", FakeClusterRegistry.Cluster("core-01", "rack-1", theirContainers, theirServices)));

        var check = await TestDrafts.Valid().CheckAsync(registry);

        Assert.False(check.IsValid);
        Assert.True(check.Errors.All(e => e.PropertyName == field), string.Join(" | ", check.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
        var error = Assert.Single(check.ErrorsFor(field));
        Assert.Contains("'core-01'", error, StringComparison.Ordinal);
        Assert.Contains(theirRange, error, StringComparison.Ordinal);
        Assert.Contains("rack-1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_on_another_network_may_use_the_same_ranges()
    {
        var registry = new FakeClusterRegistry(("BareOS", FakeClusterRegistry.Cluster("core-01", "rack-2", "10.20.0.0/16", "10.21.0.0/16")));

        var check = await TestDrafts.Valid().CheckAsync(registry);

        Assert.True(check.IsValid, string.Join(" | ", check.Errors.Select(e => e.ErrorMessage)));
    }

    [Fact]
    public async Task A_cluster_on_the_same_network_with_separate_ranges_is_no_conflict()
    {
        var registry = new FakeClusterRegistry(("BareOS", FakeClusterRegistry.Cluster("core-01", "rack-1", "10.40.0.0/16", "10.41.0.0/16")));

        var check = await TestDrafts.Valid().CheckAsync(registry);

        Assert.True(check.IsValid, string.Join(" | ", check.Errors.Select(e => e.ErrorMessage)));
    }

    [Fact]
    public async Task A_draft_does_not_collide_with_itself()
    {
        var draft = TestDrafts.Valid();
        var registry = new FakeClusterRegistry(("BareOS", FakeClusterRegistry.Cluster(draft.Name, draft.L2Network, "10.20.0.0/16", "10.21.0.0/16", draft.Id)));

        var check = await draft.CheckAsync(registry);

        Assert.True(check.IsValid, string.Join(" | ", check.Errors.Select(e => e.ErrorMessage)));
    }
}
