using System.Data.Common;
using System.Net;
using Calico.Wizard.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Calico.Wizard.Benchmarks;

/// <summary>
/// `-- --explain`: runs the registry's overlap query once per case against the seeded stores and prints the SQL
/// EF Core sends and SQLite's EXPLAIN QUERY PLAN for it — the index seeks behind the flat benchmark numbers.
/// </summary>
public static class QueryPlan
{
    public static async Task RunAsync(int clusters)
    {
        var seeded = ClusterSeed.Open(clusters);
        var explain = new ExplainInterceptor();
        var options = new DbContextOptionsBuilder<WizardDbContext>().UseSqlite($"Data Source={seeded.Path}").AddInterceptors(explain).Options;
        var registry = new StoreClusterRegistry(new Factory(options));
        foreach (var (network, range) in new[]
        {
            (ClusterSeed.SpreadNetwork, IPNetwork.Parse("10.100.0.0/16")),
            (ClusterSeed.CrowdedNetwork, ClusterSeed.CrowdedContainers(ClusterSeed.GapSlot(clusters))),
        })
        {
            Console.WriteLine($"== OverlappingAsync(BareOS, {network}, {range}) on {clusters} clusters");
            var found = await registry.OverlappingAsync("BareOS", network, range);
            Console.WriteLine($"-- {found.Count} overlapping");
        }
    }

    private sealed class Factory(DbContextOptions<WizardDbContext> options) : IDbContextFactory<WizardDbContext>
    {
        public WizardDbContext CreateDbContext() => new(options);
    }

    private sealed class ExplainInterceptor : DbCommandInterceptor
    {
        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Console.WriteLine(command.CommandText);
            using var plan = command.Connection!.CreateCommand();
            plan.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
            foreach (DbParameter p in command.Parameters)
            {
                var copy = plan.CreateParameter();
                (copy.ParameterName, copy.Value, copy.DbType) = (p.ParameterName, p.Value, p.DbType);
                plan.Parameters.Add(copy);
            }
            await using var reader = await plan.ExecuteReaderAsync(cancellationToken);
            Console.WriteLine("-- EXPLAIN QUERY PLAN");
            while (await reader.ReadAsync(cancellationToken)) Console.WriteLine($"--   {reader.GetString(3)}");
            return result;
        }
    }
}
