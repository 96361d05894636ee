using System.Net;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Rules;
using Microsoft.EntityFrameworkCore;

namespace Calico.Wizard.Provisioning.Store;

/// <summary>The registry the rules ask, answered from the clusters table (indexed by provider and network).</summary>
public sealed class StoreClusterRegistry(IDbContextFactory<WizardDbContext> dbFactory) : IClusterRegistry
{
    public static string NetworkKey(string l2Network) => l2Network.Trim().ToLowerInvariant();

    public async Task<IReadOnlyList<RegisteredCluster>> OnNetworkAsync(string provider, string l2Network, CancellationToken cancellationToken = default)
    {
        var key = NetworkKey(l2Network);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Clusters.AsNoTracking()
            .Where(c => c.Provider == provider && c.NetworkKey == key)
            .Select(c => new { c.DraftId, c.Name, c.L2Network, c.ContainersCidr, c.ServicesCidr })
            .ToListAsync(cancellationToken);
        return rows.Select(c => new RegisteredCluster(c.DraftId, c.Name, c.L2Network, IPNetwork.Parse(c.ContainersCidr), IPNetwork.Parse(c.ServicesCidr))).ToArray();
    }

    /// <summary>
    /// CIDRs are nested or disjoint: a registered range overlaps [first, last] when it starts inside it, or when it
    /// is one of the few ranges that contain it (which start at <c>first</c> masked at some prefix). Both are
    /// seeks on the (provider, network, first) indexes — no scan of the network's clusters. Each condition is its
    /// own SELECT (UNION ALL): joined with OR, SQLite (no statistics) seeks only the (provider, network) prefix and
    /// filters every cluster of the network — linear in a crowded network (docs/performance.md).
    /// </summary>
    public async Task<IReadOnlyList<RegisteredCluster>> OverlappingAsync(string provider, string l2Network, IPNetwork range, CancellationToken cancellationToken = default)
    {
        var key = NetworkKey(l2Network);
        var first = AddressKey.First(range);
        var last = AddressKey.Last(range);
        var containing = AddressKey.ContainingStarts(range);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var onNetwork = db.Clusters.AsNoTracking().Where(c => c.Provider == provider && c.NetworkKey == key);
        var rows = await onNetwork.Where(c => c.ContainersFirst.CompareTo(first) >= 0 && c.ContainersFirst.CompareTo(last) <= 0)
                .Select(c => new { c.DraftId, c.Name, c.L2Network, c.ContainersCidr, c.ServicesCidr })
            .Concat(onNetwork.Where(c => containing.Contains(c.ContainersFirst))
                .Select(c => new { c.DraftId, c.Name, c.L2Network, c.ContainersCidr, c.ServicesCidr }))
            .Concat(onNetwork.Where(c => c.ServicesFirst.CompareTo(first) >= 0 && c.ServicesFirst.CompareTo(last) <= 0)
                .Select(c => new { c.DraftId, c.Name, c.L2Network, c.ContainersCidr, c.ServicesCidr }))
            .Concat(onNetwork.Where(c => containing.Contains(c.ServicesFirst))
                .Select(c => new { c.DraftId, c.Name, c.L2Network, c.ContainersCidr, c.ServicesCidr }))
            .ToListAsync(cancellationToken);
        return rows.DistinctBy(c => c.DraftId)
            .Select(c => new RegisteredCluster(c.DraftId, c.Name, c.L2Network, IPNetwork.Parse(c.ContainersCidr), IPNetwork.Parse(c.ServicesCidr)))
            .Where(c => StrictCidr.Overlap(c.ContainersCidr, range) || StrictCidr.Overlap(c.ServicesCidr, range))
            .ToArray();
    }

    public async Task<RegisteredCluster?> FindByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var c = await db.Clusters.AsNoTracking().SingleOrDefaultAsync(c => c.Name == name, cancellationToken);
        return c is null ? null : new RegisteredCluster(c.DraftId, c.Name, c.L2Network, IPNetwork.Parse(c.ContainersCidr), IPNetwork.Parse(c.ServicesCidr));
    }
}
