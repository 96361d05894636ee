using System.Net;
using BenchmarkDotNet.Attributes;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Store;

namespace Calico.Wizard.Benchmarks;

/// <summary>
/// Suggest (issue 15: ≤ 5 ms at 100k clusters) end to end on SQLite: the registry's cached usage (one index seek for
/// the newest CreatedAt), the walk, and the exact overlap query that confirms the answer. On the crowded network
/// (N/2 clusters, /26s packed from 10.0.0.0) a /26 is found in the one gap in the middle, a /23 only past all of them.
/// <c>Crowded_Usage_Cold</c> is the cost the first Suggest (or the first after a submission) pays to read the network.
/// </summary>
[MemoryDiagnoser]
public class SuggestBenchmarks
{
    [Params(1_000, 100_000)]
    public int Clusters { get; set; }

    private SqliteStore store = default!;
    private RangeSuggester planner = default!;

    [GlobalSetup]
    public void Setup()
    {
        store = ClusterSeed.Open(Clusters);
        planner = new RangeSuggester(ProviderMatrix.Seed, new StoreClusterRegistry(store), new PlanningOptions());
        Expect(Spread_Containers(), "10.0.0.0/23");
        Expect(Crowded_Gap26(), ClusterSeed.CrowdedContainers(ClusterSeed.GapSlot(Clusters)).ToString());
        Expect(Crowded_PastAll23(), null);
    }

    private static void Expect(Task<Suggestion> suggestion, string? cidr)
    {
        var s = suggestion.GetAwaiter().GetResult();
        if (!s.Found || (cidr is not null && s.Cidr!.Value.ToString() != cidr)) throw new InvalidOperationException($"expected {cidr ?? "a range"}, got: {s.Reason}");
    }

    private static SuggestRequest Request(string network, int nodes, int? prefix = null) =>
        new("BareOS", network, RangeKind.Containers, NetworkStack.IPv4, nodes, 26, [], prefix, prefix is null ? null : "a fixed size");

    /// <summary>PMK's plan (3 nodes, block 26 → a /23) on a network of 20 clusters.</summary>
    [Benchmark]
    public Task<Suggestion> Spread_Containers() => planner.SuggestAsync(Request(ClusterSeed.SpreadNetwork, 3));

    /// <summary>A /26 on the crowded network: the walk passes N/4 packed ranges to the gap.</summary>
    [Benchmark]
    public Task<Suggestion> Crowded_Gap26() => planner.SuggestAsync(Request(ClusterSeed.CrowdedNetwork, 1, prefix: 26));

    /// <summary>A /23 on the crowded network: no gap is large enough until every one of its N/2 clusters is passed.</summary>
    [Benchmark]
    public Task<Suggestion> Crowded_PastAll23() => planner.SuggestAsync(Request(ClusterSeed.CrowdedNetwork, 3));

    /// <summary>Reading the crowded network's usage into a new cache: what a Suggest after a submission pays once.</summary>
    [Benchmark]
    public Task<NetworkUsage> Crowded_Usage_Cold() => new StoreClusterRegistry(store).UsageAsync("BareOS", ClusterSeed.CrowdedNetwork);
}
