using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Calico.Wizard.Store;

public static class StoreStartup
{
    /// <summary>Migrates the store registered by <see cref="StoreServices.AddStore(IServiceCollection, StoreOptions)"/>.</summary>
    public static Task MigrateStoreAsync(this IServiceProvider services, CancellationToken ct = default) =>
        MigrateAsync(services.GetRequiredService<IDbContextFactory<WizardDbContext>>(), ct,
            services.GetService<ILoggerFactory>()?.CreateLogger(typeof(StoreStartup)));

    /// <summary>Migrates the store and fills what a migration cannot compute in SQL.</summary>
    public static async Task MigrateAsync(IDbContextFactory<WizardDbContext> factory, CancellationToken ct = default, ILogger? logger = null)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite()) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct); // readers never wait for the autosave writer

        await IndexRangesAsync(factory, logger ?? NullLogger.Instance, ct);
    }

    /// <summary>
    /// Clusters stored before their ranges had a table of their own get their rows once, oldest first, each range
    /// under the same no-overlap constraint as a new cluster. A range that already clashed (two submissions that
    /// raced before the constraint existed) is indexed as not exclusive and named in the log: every check still
    /// sees it, and the operator learns which clusters share addresses. Replicas starting together may both try a
    /// cluster: the one that loses finds its rows written.
    /// </summary>
    private static async Task IndexRangesAsync(IDbContextFactory<WizardDbContext> factory, ILogger logger, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var unindexed = await db.Clusters.AsNoTracking().Where(c => !db.ClusterRanges.Any(r => r.ClusterId == c.Id))
            .OrderBy(c => c.CreatedAt).ToListAsync(ct);
        foreach (var cluster in unindexed)
            foreach (var range in ClusterRanges.Of(cluster))
            {
                await using var write = await factory.CreateDbContextAsync(ct);
                write.ClusterRanges.Add(range);
                try { await write.SaveChangesAsync(ct); }
                catch (DbUpdateException e) when (StoreConflicts.Of(e) == StoreConflict.RangeTaken)
                {
                    logger.LogWarning("Cluster {Cluster} shares {Cidr} with another cluster on {Network}: indexed as a known clash",
                        cluster.Name, range.Cidr, cluster.L2Network);
                    await using var clash = await factory.CreateDbContextAsync(ct);
                    range.Exclusive = false;
                    clash.ClusterRanges.Add(range);
                    try { await clash.SaveChangesAsync(ct); }
                    catch (DbUpdateException again) when (StoreConflicts.Of(again) == StoreConflict.Duplicate) { }
                }
                catch (DbUpdateException e) when (StoreConflicts.Of(e) == StoreConflict.Duplicate) { } // another replica indexed it
            }
    }
}
