using System.Net;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Store;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Store.Tests;

/// <summary>The indexed overlap query must find exactly what comparing every cluster would.</summary>
public sealed class OverlapIndexTests
{
    /// <summary>A cluster whose random ranges may clash with others': indexed as known clashes (not exclusive), so the store takes them.</summary>
    private static ClusterRecord Cluster(int i, IPNetwork containers, IPNetwork services, string network = "rack-1")
    {
        var cluster = new ClusterRecord
        {
            Id = Guid.NewGuid(), DraftId = Guid.NewGuid(), Name = $"c-{i}", Provider = "BareOS", L2Network = network,
            NetworkKey = StoreClusterRegistry.NetworkKey(network), ContainersCidr = containers.ToString(), ServicesCidr = services.ToString(),
            Backend = "Calico", SpecJson = "{}", CreatedAt = DateTime.UtcNow,
        };
        cluster.Ranges.AddRange(ClusterRanges.Of(cluster).Select(r => { r.Exclusive = false; return r; }));
        return cluster;
    }

    private static IPNetwork Random(Random r, bool v6)
    {
        if (v6)
        {
            var bytes = new byte[16];
            r.NextBytes(bytes);
            bytes[0] = 0xfd;
            bytes[1] = (byte)r.Next(0, 2); // a small space, so ranges collide
            var v6prefix = r.Next(8, 129);
            return new IPNetwork(Mask(new IPAddress(bytes), v6prefix), v6prefix);
        }
        var prefix = r.Next(8, 33);
        var address = new IPAddress([10, (byte)r.Next(0, 4), (byte)r.Next(256), (byte)r.Next(256)]);
        return new IPNetwork(Mask(address, prefix), prefix);
    }

    private static IPAddress Mask(IPAddress a, int prefix) => IPNetwork.Parse($"{a}/{prefix}").BaseAddress;

    [Fact]
    public async Task Indexed_overlap_finds_exactly_what_a_full_comparison_finds()
    {
        var r = new Random(4858);
        await using var f = await ProvisioningFixture.CreateAsync();
        var clusters = Enumerable.Range(0, 400).Select(i => Cluster(i, Random(r, i % 4 == 0), Random(r, i % 4 == 0), i % 10 == 0 ? "rack-2" : "rack-1")).ToList();
        await using (var db = await f.NewDbContextAsync())
        {
            db.Clusters.AddRange(clusters);
            await db.SaveChangesAsync();
        }
        var registry = (StoreClusterRegistry)f.Registry;
        var plain = (IClusterRegistry)new PlainRegistry(registry);

        for (var q = 0; q < 150; q++)
        {
            var range = Random(r, q % 4 == 0);
            var indexed = (await registry.OverlappingAsync("BareOS", "rack-1", range)).Select(c => c.Name).Order().ToArray();
            var expected = (await plain.OverlappingAsync("BareOS", "rack-1", range)).Select(c => c.Name).Order().ToArray();
            Assert.Equal(expected, indexed);
        }
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.20.0.0/16", true)]     // registered range contains the query
    [InlineData("10.20.5.0/24", "10.20.0.0/16", true)]   // registered range inside the query
    [InlineData("10.20.0.0/16", "10.20.0.0/16", true)]   // the same range
    [InlineData("10.21.0.0/16", "10.20.0.0/16", false)]  // neighbours
    [InlineData("fd00::/8", "10.20.0.0/16", false)]      // another family never overlaps
    public async Task Indexed_overlap_sees_nesting_in_both_directions(string registered, string query, bool overlaps)
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        await using (var db = await f.NewDbContextAsync())
        {
            db.Clusters.Add(Cluster(1, IPNetwork.Parse(registered), IPNetwork.Parse("fd99::/112")));
            await db.SaveChangesAsync();
        }
        var found = await f.Registry.OverlappingAsync("BareOS", "RACK-1", IPNetwork.Parse(query));
        Assert.Equal(overlaps, found.Count == 1);
    }

    /// <summary>The interface's own default: every cluster on the network, compared one by one.</summary>
    private sealed class PlainRegistry(IClusterRegistry inner) : IClusterRegistry
    {
        public Task<IReadOnlyList<RegisteredCluster>> OnNetworkAsync(string provider, string l2Network, CancellationToken cancellationToken = default) =>
            inner.OnNetworkAsync(provider, l2Network, cancellationToken);

        public Task<RegisteredCluster?> FindByNameAsync(string name, CancellationToken cancellationToken = default) =>
            inner.FindByNameAsync(name, cancellationToken);
    }
}
