using System.Net;
using Calico.Wizard.Store;

namespace Calico.Wizard.Store.Tests;

public sealed class StoreClusterRegistryTests
{
    private static ClusterRecord Cluster(string name, string provider, string l2Network, string containers = "10.20.0.0/16", string services = "10.21.0.0/16") => new()
    {
        Id = Guid.NewGuid(),
        DraftId = Guid.NewGuid(),
        Name = name,
        Provider = provider,
        L2Network = l2Network,
        NetworkKey = StoreClusterRegistry.NetworkKey(l2Network),
        ContainersCidr = containers,
        ServicesCidr = services,
        Backend = "Calico",
        SpecJson = "{}",
        CreatedAt = DateTime.UtcNow,
    };

    [Fact]
    public async Task On_network_should_return_only_clusters_of_the_provider_on_the_network_ignoring_case_and_spaces()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var wanted = Cluster("edge-01", "BareOS", "Rack-1", "10.40.0.0/16", "10.41.0.0/16");
        await using (var db = await f.NewDbContextAsync())
        {
            db.Clusters.AddRange(
                wanted,
                Cluster("edge-02", "BareOS", "rack-2"),
                Cluster("cloud-01", "AWS", "rack-1"),
                Cluster("edge-03", "BareOS", "rack-1 "),
                Cluster("edge-04", "BareOS", "rack-10"));
            await db.SaveChangesAsync();
        }

        var found = await f.Registry.OnNetworkAsync("BareOS", "  RACK-1 ");

        Assert.Equal(["edge-01", "edge-03"], found.Select(c => c.Name).Order());
        var first = Assert.Single(found, c => c.Name == "edge-01");
        Assert.Equal(wanted.DraftId, first.DraftId);
        Assert.Equal("Rack-1", first.L2Network);
        Assert.Equal(IPNetwork.Parse("10.40.0.0/16"), first.ContainersCidr);
        Assert.Equal(IPNetwork.Parse("10.41.0.0/16"), first.ServicesCidr);
    }

    [Fact]
    public async Task On_network_should_return_nothing_when_no_cluster_of_the_provider_is_on_the_network()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        await using (var db = await f.NewDbContextAsync())
        {
            db.Clusters.Add(Cluster("cloud-01", "AWS", "rack-1"));
            await db.SaveChangesAsync();
        }

        Assert.Empty(await f.Registry.OnNetworkAsync("BareOS", "rack-1"));
        Assert.Single(await f.Registry.OnNetworkAsync("AWS", "rack-1"));
    }

    [Fact]
    public async Task Find_by_name_should_return_the_submitted_cluster_and_null_for_an_unknown_name()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var draft = TestDrafts.Valid();
        Assert.True((await f.Submission.SubmitAsync(draft)).Accepted);

        var found = await f.Registry.FindByNameAsync("edge-01");

        Assert.NotNull(found);
        Assert.Equal(draft.Id, found.DraftId);
        Assert.Equal("rack-1", found.L2Network);
        Assert.Null(await f.Registry.FindByNameAsync("edge-02"));
    }
}
