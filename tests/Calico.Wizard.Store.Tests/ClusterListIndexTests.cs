using System.Data.Common;
using Calico.Wizard.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Calico.Wizard.Store.Tests;

/// <summary>
/// Each filter of the clusters list is a seek: SQLite's EXPLAIN QUERY PLAN for the page's count and rows, with
/// every filter and every sort, never reads the whole Clusters table or one of its indexes from end to end.
/// </summary>
public sealed class ClusterListIndexTests
{
    public static TheoryData<string> Filters => ["name", "provider", "network", "provider+network", "state", "all"];

    private static ClusterFilter FilterFor(string filter) => filter switch
    {
        "name" => new ClusterFilter(Name: "edge-0"),
        "provider" => new ClusterFilter(Provider: "AWS"),
        "network" => new ClusterFilter(Network: "Rack-6"),
        "provider+network" => new ClusterFilter(Provider: "BareOS", Network: "rack-6"),
        "state" => new ClusterFilter(State: JobState.Failed),
        _ => new ClusterFilter(Name: "edge", Provider: "BareOS", Network: "rack-6", State: JobState.Running),
    };

    /// <summary>
    /// What the seek must be bounded by: a SEARCH on a prefix the filter does not narrow (all of a provider's clusters
    /// when a network was asked for) is a SEARCH in name only — that planned 86 ms at 100k clusters.
    /// </summary>
    private static string[] SeekOn(string filter) => filter switch
    {
        "name" => ["(Name>? AND Name<?)"],
        "provider" => ["(Provider=?)"],
        "network" => ["(NetworkKey=?)"],
        "provider+network" => ["(Provider=? AND NetworkKey=?"],
        "state" => ["(State=?)"],
        _ => ["(Name>? AND Name<?)", "(Provider=? AND NetworkKey=?", "(NetworkKey=?)", "(State=?)"],
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Every_sort_of_a_filtered_page_seeks_an_index(string filter)
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        await using (var db = await f.NewDbContextAsync())
        {
            db.Clusters.AddRange(Enumerable.Range(0, 300).Select(i => new ClusterRecord
            {
                Id = Guid.NewGuid(), DraftId = Guid.NewGuid(), Name = $"edge-{i:D3}", Provider = i % 2 == 0 ? "BareOS" : "AWS",
                L2Network = $"rack-{i % 10}", NetworkKey = $"rack-{i % 10}", ContainersCidr = "10.0.0.0/16", ServicesCidr = "10.1.0.0/16",
                Backend = "Calico", SpecJson = "{}", CreatedAt = DateTime.UnixEpoch.AddMinutes(i), State = (JobState)(i % 5),
            }));
            await db.SaveChangesAsync();
        }
        var explain = new ExplainInterceptor();
        var options = new DbContextOptionsBuilder<WizardDbContext>().UseSqlite(f.ConnectionString).AddInterceptors(explain).Options;
        var queries = new ClusterQueries(new Factory(options));

        foreach (var by in Enum.GetValues<ClusterSort>())
            foreach (var descending in new[] { true, false })
            {
                explain.Plans.Clear();
                var page = await queries.PageAsync(FilterFor(filter), new ClusterOrder(by, descending), skip: 25, take: 25);
                Assert.True(page.Total > 0, "the filter should match some clusters");
                Assert.Equal(2, explain.Plans.Count); // the count and the rows
                foreach (var (sql, plan) in explain.Plans)
                {
                    // SEARCH: a seek on an index; SCAN c (with or without USING INDEX) reads every cluster
                    var seeks = plan.Any(line => line.StartsWith("SEARCH c USING ", StringComparison.Ordinal) && SeekOn(filter).Any(line.Contains))
                        && !plan.Any(line => line.StartsWith("SCAN c", StringComparison.Ordinal));
                    Assert.True(seeks, $"{filter} by {by}{(descending ? " desc" : "")}:\n{sql}\n-- plan:\n{string.Join("\n", plan)}");
                }
            }
    }

    /// <summary>
    /// Without a filter the newest page is read off the CreatedAt index backwards: no sort of every cluster, only of
    /// clusters created in the same tick (the Id that makes the order total), group by group until the page is full.
    /// </summary>
    [Fact]
    public async Task The_unfiltered_newest_page_is_read_off_the_created_index()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var explain = new ExplainInterceptor();
        var options = new DbContextOptionsBuilder<WizardDbContext>().UseSqlite(f.ConnectionString).AddInterceptors(explain).Options;
        await new ClusterQueries(new Factory(options)).PageAsync(ClusterFilter.None, ClusterOrder.Newest, 0, 25);
        var rows = explain.Plans.Single(p => p.Sql.Contains("LIMIT", StringComparison.Ordinal)).Plan;
        Assert.Contains(rows, line => line.Contains("USING INDEX IX_Clusters_CreatedAt", StringComparison.Ordinal));
        Assert.DoesNotContain("USE TEMP B-TREE FOR ORDER BY", rows);
        Assert.All(rows, line => Assert.True(line.StartsWith("SCAN c USING INDEX IX_Clusters_CreatedAt", StringComparison.Ordinal)
            || line == "USE TEMP B-TREE FOR LAST TERM OF ORDER BY", line));
    }

    private sealed class Factory(DbContextOptions<WizardDbContext> options) : IDbContextFactory<WizardDbContext>
    {
        public WizardDbContext CreateDbContext() => new(options);
    }

    /// <summary>Records, for each query EF sends, the plan SQLite makes for it (with the same parameters).</summary>
    private sealed class ExplainInterceptor : DbCommandInterceptor
    {
        public List<(string Sql, List<string> Plan)> Plans { get; } = [];

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            await using var plan = command.Connection!.CreateCommand();
            plan.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
            foreach (DbParameter p in command.Parameters)
            {
                var copy = plan.CreateParameter();
                (copy.ParameterName, copy.Value, copy.DbType) = (p.ParameterName, p.Value, p.DbType);
                plan.Parameters.Add(copy);
            }
            var lines = new List<string>();
            await using (var reader = await plan.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken)) lines.Add(reader.GetString(3));
            Plans.Add((command.CommandText, lines));
            return result;
        }
    }
}
