using System.Net;
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

    public async Task<RegisteredCluster?> FindByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var c = await db.Clusters.AsNoTracking().SingleOrDefaultAsync(c => c.Name == name, cancellationToken);
        return c is null ? null : new RegisteredCluster(c.DraftId, c.Name, c.L2Network, IPNetwork.Parse(c.ContainersCidr), IPNetwork.Parse(c.ServicesCidr));
    }
}
