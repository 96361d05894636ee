using Calico.Wizard.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Calico.Wizard.Store.Tests;

/// <summary>
/// What the database itself refuses, on each provider (issue 27): a range overlapping another cluster's on the same
/// provider's network (PostgreSQL's exclusion constraint, SQLite's trigger), a second active job of one cluster (a
/// filtered unique index); and how a store written before these promises is brought under them.
/// </summary>
public abstract class StorePromiseContract(StoreProvider provider)
{
    private static readonly DateTime T0 = new(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc);

    private Task<ProvisioningFixture> FixtureAsync() => ProvisioningFixture.CreateAsync(provider: provider);

    private static ClusterRecord Cluster(string name, string network, string containers, string services, string provider = "BareOS",
        string? containersV6 = null, string? servicesV6 = null)
    {
        var cluster = new ClusterRecord
        {
            Id = Guid.NewGuid(), DraftId = Guid.NewGuid(), Name = name, Provider = provider, L2Network = network,
            NetworkKey = StoreClusterRegistry.NetworkKey(network), ContainersCidr = containers, ServicesCidr = services,
            ContainersCidrV6 = containersV6, ServicesCidrV6 = servicesV6, Backend = "Calico", SpecJson = "{}", CreatedAt = T0,
        };
        cluster.Ranges.AddRange(ClusterRanges.Of(cluster));
        return cluster;
    }

    private static async Task<StoreConflict> AddAsync(ProvisioningFixture f, ClusterRecord cluster)
    {
        await using var db = await f.NewDbContextAsync();
        db.Clusters.Add(cluster);
        try
        {
            await db.SaveChangesAsync();
            return StoreConflict.None;
        }
        catch (DbUpdateException e) when (StoreConflicts.Of(e) is not StoreConflict.None)
        {
            return StoreConflicts.Of(e);
        }
    }

    protected async Task TheStoreRefusesAnOverlappingRangeOnTheSameNetworkOnly()
    {
        await using var f = await FixtureAsync();
        Assert.Equal(StoreConflict.None, await AddAsync(f, Cluster("first", "rack-1", "10.20.0.0/16", "10.21.0.0/16", containersV6: "fd00:20::/56", servicesV6: "fd00:21::/112")));

        (string Why, ClusterRecord Cluster)[] refused =
        [
            ("the same range", Cluster("same", "rack-1", "10.20.0.0/16", "10.30.0.0/16")),
            ("inside it", Cluster("inside", "rack-1", "10.40.0.0/16", "10.21.128.0/24")),
            ("around it", Cluster("around", "RACK-1 ", "10.0.0.0/8", "172.16.0.0/16")), // the network key is case- and space-blind
            ("an IPv6 range inside", Cluster("v6", "rack-1", "10.50.0.0/16", "10.51.0.0/16", containersV6: "fd00:20:0:10::/64", servicesV6: "fd00:99::/112")),
        ];
        foreach (var (why, cluster) in refused)
            Assert.True(await AddAsync(f, cluster) == StoreConflict.RangeTaken, why);

        // the same ranges elsewhere, or beside them, are fine
        Assert.Equal(StoreConflict.None, await AddAsync(f, Cluster("other-network", "rack-2", "10.20.0.0/16", "10.21.0.0/16")));
        Assert.Equal(StoreConflict.None, await AddAsync(f, Cluster("other-provider", "rack-1", "10.20.0.0/16", "10.21.0.0/16", provider: "AWS")));
        Assert.Equal(StoreConflict.None, await AddAsync(f, Cluster("beside", "rack-1", "10.22.0.0/16", "10.23.0.0/16")));

        await using var db = await f.NewDbContextAsync();
        Assert.Equal(["beside", "first", "other-network", "other-provider"], await db.Clusters.OrderBy(c => c.Name).Select(c => c.Name).ToArrayAsync());
        Assert.Equal(10, await db.ClusterRanges.CountAsync()); // a refused cluster left none of its ranges behind
    }

    protected async Task OneClusterHasOneActiveJobAtMost()
    {
        await using var f = await FixtureAsync();
        var cluster = Cluster("jobs", "rack-1", "10.20.0.0/16", "10.21.0.0/16");
        Assert.Equal(StoreConflict.None, await AddAsync(f, cluster));
        async Task<StoreConflict> AddJobAsync(JobState state)
        {
            await using var db = await f.NewDbContextAsync();
            db.Jobs.Add(new ProvisioningJob { Id = Guid.NewGuid(), ClusterId = cluster.Id, Target = "dry-run", State = state, CreatedAt = T0 });
            try { await db.SaveChangesAsync(); return StoreConflict.None; }
            catch (DbUpdateException e) { return StoreConflicts.Of(e); }
        }
        Assert.Equal(StoreConflict.None, await AddJobAsync(JobState.Succeeded));
        Assert.Equal(StoreConflict.None, await AddJobAsync(JobState.Failed));
        Assert.Equal(StoreConflict.None, await AddJobAsync(JobState.Pending));
        Assert.Equal(StoreConflict.ActiveJob, await AddJobAsync(JobState.Pending));
        Assert.Equal(StoreConflict.ActiveJob, await AddJobAsync(JobState.Running));
    }

    /// <summary>
    /// A store the previous release wrote — range keys on the clusters, two clusters that raced onto one range, a cluster
    /// with two queued jobs — is migrated and indexed: every range gets its row (the later of the clashing pair as a
    /// known clash, named in the log), and only the newest of the two jobs stays queued.
    /// </summary>
    protected async Task AStoreOfThePreviousReleaseIsBroughtUnderThePromises()
    {
        await using var f = await FixtureAsync();
        await using (var db = await f.NewDbContextAsync())
        {
            var all = db.Database.GetMigrations().ToList();
            var before = all[all.FindIndex(m => m.EndsWith("_RangesAndActiveJobs", StringComparison.Ordinal)) - 1];
            await db.GetService<IMigrator>().MigrateAsync(before);
        }
        object Key(Guid id) => provider == StoreProvider.Sqlite ? id.ToString().ToUpperInvariant() : id;
        var (early, raced, apart) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await using (var db = await f.NewDbContextAsync())
        {
            foreach (var (id, name, containers, at) in new[] { (early, "early", "10.20.0.0/16", T0), (raced, "raced", "10.20.0.0/16", T0.AddSeconds(1)), (apart, "apart", "10.40.0.0/16", T0.AddSeconds(2)) })
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO "Clusters" ("Id", "DraftId", "Name", "Provider", "NetworkKey", "L2Network", "ContainersCidr", "ServicesCidr",
                        "ContainersFirst", "ContainersLast", "ServicesFirst", "ServicesLast", "Backend", "SpecJson", "CreatedAt")
                    VALUES ({Key(id)}, {Key(Guid.NewGuid())}, {name}, 'BareOS', 'rack-1', 'rack-1', {containers}, {(name == "apart" ? "10.41.0.0/16" : $"10.{21 + (name == "raced" ? 10 : 0)}.0.0/16")},
                        'a', 'b', 'c', 'd', 'Calico', {"{}"}, {at})
                    """);
            foreach (var (state, at) in new[] { ("Pending", T0), ("Running", T0.AddMinutes(1)) })
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO "Jobs" ("Id", "ClusterId", "Target", "State", "CreatedAt", "CancelRequested")
                    VALUES ({Key(Guid.NewGuid())}, {Key(apart)}, 'dry-run', {state}, {at}, {false})
                    """);
        }

        var log = new ListLogger();
        await StoreStartup.MigrateAsync(f.Services.GetRequiredService<IDbContextFactory<WizardDbContext>>(), logger: log);

        await using (var db = await f.NewDbContextAsync())
        {
            var ranges = await db.ClusterRanges.AsNoTracking().ToListAsync();
            Assert.Equal(6, ranges.Count);
            var clash = Assert.Single(ranges, r => !r.Exclusive);
            Assert.Equal((raced, "10.20.0.0/16"), (clash.ClusterId, clash.Cidr)); // the later of the two; the earlier keeps its exclusive row
            Assert.Contains(log.Lines, l => l.Contains("raced", StringComparison.Ordinal) && l.Contains("10.20.0.0/16", StringComparison.Ordinal));
            var jobs = await db.Jobs.AsNoTracking().OrderBy(j => j.CreatedAt).ToListAsync();
            Assert.Equal([JobState.Cancelled, JobState.Running], jobs.Select(j => j.State));
            Assert.Contains("newer job", jobs[0].Error, StringComparison.Ordinal);
        }
        // a range clashing with the known clash is still refused by the earlier cluster's exclusive row
        Assert.Equal(StoreConflict.RangeTaken, await AddAsync(f, Cluster("late", "rack-1", "10.20.5.0/24", "10.99.0.0/16")));
        // and indexing again (the next start, a second replica) adds nothing
        await StoreStartup.MigrateAsync(f.Services.GetRequiredService<IDbContextFactory<WizardDbContext>>(), logger: log);
        await using (var db = await f.NewDbContextAsync())
            Assert.Equal(6, await db.ClusterRanges.CountAsync());
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}

public sealed class SqliteStorePromiseTests() : StorePromiseContract(StoreProvider.Sqlite)
{
    [Fact] public Task OverlapRefused() => TheStoreRefusesAnOverlappingRangeOnTheSameNetworkOnly();
    [Fact] public Task OneActiveJob() => OneClusterHasOneActiveJobAtMost();
    [Fact] public Task PreviousReleaseMigrated() => AStoreOfThePreviousReleaseIsBroughtUnderThePromises();
}

public sealed class PostgresStorePromiseTests() : StorePromiseContract(StoreProvider.PostgreSQL)
{
    [PostgresFact] public Task OverlapRefused() => TheStoreRefusesAnOverlappingRangeOnTheSameNetworkOnly();
    [PostgresFact] public Task OneActiveJob() => OneClusterHasOneActiveJobAtMost();
    [PostgresFact] public Task PreviousReleaseMigrated() => AStoreOfThePreviousReleaseIsBroughtUnderThePromises();
}
