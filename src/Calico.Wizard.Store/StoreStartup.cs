using System.Net;
using Calico.Wizard.Core.Addresses;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Calico.Wizard.Store;

public static class StoreStartup
{
    /// <summary>Migrates the store registered by <see cref="StoreServices.AddStore(IServiceCollection, StoreOptions)"/>.</summary>
    public static Task MigrateStoreAsync(this IServiceProvider services, CancellationToken ct = default) =>
        MigrateAsync(services.GetRequiredService<IDbContextFactory<WizardDbContext>>(), ct);

    /// <summary>Migrates the store and fills what a migration cannot compute in SQL.</summary>
    public static async Task MigrateAsync(IDbContextFactory<WizardDbContext> factory, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite()) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct); // readers never wait for the autosave writer

        // Clusters registered before the range index existed get their keys once.
        var missing = await db.Clusters.Where(c => c.ContainersFirst == "").ToListAsync(ct);
        foreach (var c in missing)
        {
            var containers = IPNetwork.Parse(c.ContainersCidr);
            var services = IPNetwork.Parse(c.ServicesCidr);
            (c.ContainersFirst, c.ContainersLast) = (AddressKey.First(containers), AddressKey.Last(containers));
            (c.ServicesFirst, c.ServicesLast) = (AddressKey.First(services), AddressKey.Last(services));
        }
        if (missing.Count > 0) await db.SaveChangesAsync(ct);
    }
}
