using Calico.Wizard.Provisioning.Jobs;
using Calico.Wizard.Provisioning.Targets;
using Calico.Wizard.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Calico.Wizard.Store.Tests;

/// <summary>
/// The clusters list (<see cref="ClusterQueries.PageAsync"/>) on each provider: every page, filter and sort is what
/// filtering and sorting all clusters in memory gives, and a cluster's state is its newest job's through every
/// change a job goes through.
/// </summary>
public abstract class ClusterListContract(StoreProvider provider)
{
    private static readonly DateTime T0 = new(2026, 3, 1, 8, 0, 0, DateTimeKind.Utc);

    private Task<ProvisioningFixture> FixtureAsync(Action<IServiceCollection>? configure = null) => ProvisioningFixture.CreateAsync(configure, provider);

    private static ClusterQueries Queries(ProvisioningFixture f) => f.Services.GetRequiredService<ClusterQueries>();

    private static ClusterRecord Cluster(int i, string name, string provider, string network, JobState state) => new()
    {
        Id = Guid.NewGuid(), DraftId = Guid.NewGuid(), Name = name, Provider = provider, L2Network = network,
        NetworkKey = StoreClusterRegistry.NetworkKey(network), ContainersCidr = $"10.{i}.0.0/16", ServicesCidr = $"10.{100 + i}.0.0/16",
        Backend = "Calico", SpecJson = "{}", State = state,
        CreatedAt = T0.AddMinutes(i * 7 % 61), // distinct, and not in the order they are inserted
    };

    /// <summary>61 clusters: names sharing prefixes, two providers, networks written in several cases, every state.</summary>
    private static List<ClusterRecord> Fleet()
    {
        string[] networks = ["Rack-A", "rack-a ", "RACK-B", "vpc-c"];
        var states = Enum.GetValues<JobState>();
        return Enumerable.Range(0, 61).Select(i => Cluster(i,
            name: (i % 3) switch { 0 => $"edge-{i:D2}", 1 => $"edgy-{i:D2}", _ => $"core-{i:D2}" },
            provider: i % 4 == 3 ? "AWS" : "BareOS",
            network: networks[i % 4],
            state: states[i % states.Length])).ToList();
    }

    private static async Task SeedAsync(ProvisioningFixture f, IEnumerable<ClusterRecord> clusters)
    {
        await using var db = await f.NewDbContextAsync();
        db.Clusters.AddRange(clusters);
        await db.SaveChangesAsync();
    }

    /// <summary>The list's order, done in memory (every seeded CreatedAt is distinct, so Id never decides).</summary>
    private static IEnumerable<ClusterRecord> Expected(IEnumerable<ClusterRecord> all, ClusterOrder order)
    {
        Func<ClusterRecord, string> key = order.By switch
        {
            ClusterSort.Name => c => c.Name,
            ClusterSort.Provider => c => c.Provider,
            ClusterSort.Network => c => c.NetworkKey,
            ClusterSort.State => c => c.State.ToString()!,
            _ => _ => "",
        };
        return order.Descending
            ? all.OrderByDescending(key, StringComparer.Ordinal).ThenByDescending(c => c.CreatedAt)
            : all.OrderBy(key, StringComparer.Ordinal).ThenBy(c => c.CreatedAt);
    }

    /// <summary>Every page of the list, in order, for <paramref name="filter"/> and <paramref name="order"/>.</summary>
    private static async Task<(List<string> Names, List<int> Totals)> AllPagesAsync(ClusterQueries queries, ClusterFilter filter, ClusterOrder order, int size)
    {
        var names = new List<string>();
        var totals = new List<int>();
        for (var skip = 0; ; skip += size)
        {
            var page = await queries.PageAsync(filter, order, skip, size);
            totals.Add(page.Total);
            names.AddRange(page.Rows.Select(r => r.Name));
            Assert.True(page.Rows.Count <= size);
            if (page.Rows.Count < size) return (names, totals);
        }
    }

    protected async Task EveryFilterAndSortPagesThroughExactlyWhatAFullSortFinds()
    {
        await using var f = await FixtureAsync();
        var fleet = Fleet();
        await SeedAsync(f, fleet);
        var queries = Queries(f);

        var filters = new (ClusterFilter Filter, Func<ClusterRecord, bool> Matches)[]
        {
            (ClusterFilter.None, _ => true),
            (new ClusterFilter(Name: "EDGE-"), c => c.Name.StartsWith("edge-", StringComparison.Ordinal)),
            (new ClusterFilter(Name: "edg"), c => c.Name.StartsWith("edg", StringComparison.Ordinal)),
            (new ClusterFilter(Name: "edge-1"), c => c.Name.StartsWith("edge-1", StringComparison.Ordinal)),
            (new ClusterFilter(Provider: "AWS"), c => c.Provider == "AWS"),
            (new ClusterFilter(Network: "  rack-A "), c => c.NetworkKey == "rack-a"),
            (new ClusterFilter(Provider: "BareOS", Network: "RACK-B"), c => c.Provider == "BareOS" && c.NetworkKey == "rack-b"),
            (new ClusterFilter(State: JobState.Failed), c => c.State == JobState.Failed),
            (new ClusterFilter(Name: "core", Provider: "BareOS", Network: "rack-a", State: JobState.Running),
                c => c.Name.StartsWith("core", StringComparison.Ordinal) && c.Provider == "BareOS" && c.NetworkKey == "rack-a" && c.State == JobState.Running),
        };
        foreach (var (filter, matches) in filters)
            foreach (var by in Enum.GetValues<ClusterSort>())
                foreach (var descending in new[] { true, false })
                {
                    var order = new ClusterOrder(by, descending);
                    var expected = Expected(fleet.Where(matches), order).Select(c => c.Name).ToList();
                    var (names, totals) = await AllPagesAsync(queries, filter, order, size: 25);
                    Assert.True(expected.SequenceEqual(names), $"{filter} {order}: expected [{string.Join(", ", expected)}], listed [{string.Join(", ", names)}]");
                    Assert.All(totals, t => Assert.Equal(expected.Count, t));
                }
        Assert.True(filters.Skip(1).All(x => fleet.Count(x.Matches) is > 0 and < 61), "each filter should keep some clusters and drop others");
    }

    protected async Task PagesAreNormalizedAndRowsCarryEveryColumn()
    {
        await using var f = await FixtureAsync();
        var fleet = Fleet();
        await SeedAsync(f, fleet);
        var queries = Queries(f);

        var newest = fleet.MaxBy(c => c.CreatedAt)!;
        var first = await queries.PageAsync(ClusterFilter.None, ClusterOrder.Newest, skip: -5, take: 0); // normalized: skip 0, at least one row
        var row = Assert.Single(first.Rows);
        Assert.Equal((newest.Id, newest.Name, newest.Provider, newest.L2Network, newest.ContainersCidr, newest.ServicesCidr, newest.Backend, newest.State),
            (row.Id, row.Name, row.Provider, row.L2Network, row.ContainersCidr, row.ServicesCidr, row.Backend, row.State));
        Assert.Equal(newest.CreatedAt, row.CreatedAt);
        Assert.Equal(61, first.Total);
        Assert.Equal(61, (await queries.PageAsync(ClusterFilter.None, ClusterOrder.Newest, 0, 10_000)).Rows.Count); // at most MaxPageSize (100)
        var beyond = await queries.PageAsync(ClusterFilter.None, ClusterOrder.Newest, skip: 1_000, take: 25);
        Assert.Empty(beyond.Rows);
        Assert.Equal(61, beyond.Total);
        var none = await queries.PageAsync(new ClusterFilter(Provider: "bareos"), ClusterOrder.Newest, 0, 25); // providers match exactly
        Assert.Equal(0, none.Total);
        Assert.True(new ClusterFilter(Name: " ", Provider: "", Network: "  ").IsEmpty);
    }

    protected async Task AClustersStateIsItsNewestJobsThroughEveryChange()
    {
        var blocking = new BlockingTarget();
        await using var f = await FixtureAsync(s => s.AddDefaultTarget(new FlakyTarget()).AddSingleton<IProvisioningTarget>(blocking));
        var queries = Queries(f);
        async Task<JobState?> StateOf(string name)
        {
            var page = await queries.PageAsync(new ClusterFilter(Name: name), ClusterOrder.Newest, 0, 25);
            return Assert.Single(page.Rows, r => r.Name == name).State;
        }
        async Task<IEnumerable<string>> Listed(JobState state) =>
            (await queries.PageAsync(new ClusterFilter(State: state), ClusterOrder.Newest, 0, 100)).Rows.Select(r => r.Name);

        // no worker yet: every change below is the operator's
        var submitted = await f.Submission.SubmitAsync(TestDrafts.Valid(d => d.Name = "flaky-01"));
        Assert.True(submitted.Accepted);
        var first = (await f.SingleJobOfAsync(submitted.ClusterId)).Id;
        Assert.Equal(JobState.Pending, await StateOf("flaky-01"));
        Assert.Contains("flaky-01", await Listed(JobState.Pending));

        Assert.True(await f.Commands.CancelAsync(first));
        Assert.Equal(JobState.Cancelled, await StateOf("flaky-01"));
        Assert.DoesNotContain("flaky-01", await Listed(JobState.Pending));
        Assert.Contains("flaky-01", await Listed(JobState.Cancelled));

        var second = await f.Commands.RunAgainAsync(submitted.ClusterId!.Value);
        Assert.NotNull(second);
        Assert.Equal(JobState.Pending, await StateOf("flaky-01")); // run again: the new job is the newest

        Assert.True(await f.Commands.CancelAsync(second.Value));
        Assert.Equal(JobState.Cancelled, await StateOf("flaky-01"));
        Assert.False(await f.Commands.RetryAsync(first)); // an older job is never run again over a newer one's manifests
        Assert.Equal(JobState.Cancelled, (await f.LoadJobAsync(first))!.State);
        Assert.Equal(JobState.Cancelled, await StateOf("flaky-01"));

        Assert.True(await f.Commands.RetryAsync(second.Value)); // the newest queued again does
        Assert.Equal(JobState.Pending, await StateOf("flaky-01"));

        // the worker: the flaky target fails its first run, then works
        await f.StartWorkerAsync();
        Assert.Equal(JobState.Failed, (await f.WaitUntilFinishedAsync(second.Value)).State);
        Assert.Equal(JobState.Failed, await StateOf("flaky-01"));
        Assert.Contains("flaky-01", await Listed(JobState.Failed));

        Assert.True(await f.Commands.RetryAsync(second.Value));
        Assert.Equal(JobState.Succeeded, (await f.WaitUntilFinishedAsync(second.Value)).State);
        Assert.Equal(JobState.Succeeded, await StateOf("flaky-01"));
        Assert.Equal(JobState.Cancelled, (await f.LoadJobAsync(first))!.State);

        // a job that runs until cancelled: Running while it does
        var held = await f.Submission.SubmitAsync(TestDrafts.Valid(d => { d.Name = "held-01"; d.Target = blocking.Name; d.ContainersCidr = "10.50.0.0/16"; d.ServicesCidr = "10.51.0.0/16"; }));
        Assert.True(held.Accepted, string.Join(" ", held.Check.Errors.Select(e => e.ErrorMessage)));
        var heldJob = (await f.SingleJobOfAsync(held.ClusterId)).Id;
        await f.WaitForJobAsync(heldJob, j => j.State == JobState.Running);
        Assert.Equal(JobState.Running, await StateOf("held-01"));
        Assert.Equal(["held-01"], await Listed(JobState.Running));
        Assert.True(await f.Commands.CancelAsync(heldJob));
        Assert.Equal(JobState.Cancelled, (await f.WaitUntilFinishedAsync(heldJob)).State);
        Assert.Equal(JobState.Cancelled, await StateOf("held-01"));
        Assert.Equal(["held-01"], await Listed(JobState.Cancelled));
    }

    /// <summary>Clusters stored before the column existed get their newest job's state from the migration.</summary>
    protected async Task TheMigrationFillsTheStateFromTheNewestJob()
    {
        await using var f = await FixtureAsync();
        await using (var db = await f.NewDbContextAsync())
        {
            var all = db.Database.GetMigrations().ToList();
            var before = all[all.FindIndex(m => m.EndsWith("_ClusterState", StringComparison.Ordinal)) - 1];
            await db.GetService<IMigrator>().MigrateAsync(before); // the store as the previous release left it
        }

        // EF stores a Guid as upper-case text on SQLite, as uuid on PostgreSQL
        object Key(Guid id) => provider == StoreProvider.Sqlite ? id.ToString().ToUpperInvariant() : id;
        var (twoJobs, oneJob, noJob) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await using (var db = await f.NewDbContextAsync())
        {
            var i = 0;
            foreach (var (id, name) in new[] { (twoJobs, "two-jobs"), (oneJob, "one-job"), (noJob, "no-job") })
            {
                i++;
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO "Clusters" ("Id", "DraftId", "Name", "Provider", "NetworkKey", "L2Network", "ContainersCidr", "ServicesCidr",
                        "ContainersFirst", "ContainersLast", "ServicesFirst", "ServicesLast", "Backend", "SpecJson", "CreatedAt")
                    VALUES ({Key(id)}, {Key(Guid.NewGuid())}, {name}, 'BareOS', 'rack-1', 'rack-1', {$"10.{i}.0.0/16"}, {$"10.{100 + i}.0.0/16"},
                        'a', 'b', 'c', 'd', 'Calico', {"{}"}, {T0})
                    """);
            }
            // the newest job is not the one inserted last
            foreach (var (cluster, state, at) in new[] { (twoJobs, "Running", T0.AddMinutes(1)), (twoJobs, "Failed", T0), (oneJob, "Succeeded", T0) })
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO "Jobs" ("Id", "ClusterId", "Target", "State", "CreatedAt", "CancelRequested")
                    VALUES ({Key(Guid.NewGuid())}, {Key(cluster)}, 'dry-run', {state}, {at}, {false})
                    """);
        }
        await using (var db = await f.NewDbContextAsync())
            await db.Database.MigrateAsync();

        await using (var db = await f.NewDbContextAsync())
        {
            var states = await db.Clusters.ToDictionaryAsync(c => c.Name, c => c.State);
            Assert.Equal(JobState.Running, states["two-jobs"]);
            Assert.Equal(JobState.Succeeded, states["one-job"]);
            Assert.Null(states["no-job"]);
        }
        var listed = await Queries(f).PageAsync(new ClusterFilter(State: JobState.Running), ClusterOrder.Newest, 0, 25);
        Assert.Equal(["two-jobs"], listed.Rows.Select(r => r.Name));
    }
}

public sealed class SqliteClusterListTests() : ClusterListContract(StoreProvider.Sqlite)
{
    [Fact] public Task FiltersAndSorts() => EveryFilterAndSortPagesThroughExactlyWhatAFullSortFinds();
    [Fact] public Task Pages() => PagesAreNormalizedAndRowsCarryEveryColumn();
    [Fact] public Task StateFollowsTheNewestJob() => AClustersStateIsItsNewestJobsThroughEveryChange();
    [Fact] public Task MigrationBackfillsState() => TheMigrationFillsTheStateFromTheNewestJob();
}

public sealed class PostgresClusterListTests() : ClusterListContract(StoreProvider.PostgreSQL)
{
    [PostgresFact] public Task FiltersAndSorts() => EveryFilterAndSortPagesThroughExactlyWhatAFullSortFinds();
    [PostgresFact] public Task Pages() => PagesAreNormalizedAndRowsCarryEveryColumn();
    [PostgresFact] public Task StateFollowsTheNewestJob() => AClustersStateIsItsNewestJobsThroughEveryChange();
    [PostgresFact] public Task MigrationBackfillsState() => TheMigrationFillsTheStateFromTheNewestJob();
}
