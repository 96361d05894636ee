using BenchmarkDotNet.Attributes;
using Calico.Wizard.Store;

namespace Calico.Wizard.Benchmarks;

/// <summary>
/// <see cref="ClusterQueries.PageAsync"/> — one page of the clusters list (25 rows and the filter's total) — on SQLite
/// with 10k / 100k clusters (<see cref="ClusterSeed"/>). Each filter and sort seeks an index of its own, so a page
/// costs about the same at any size; what grows is the total, a COUNT over the filter's matches (the crowded
/// network holds half the fleet; Succeeded, 92% of it).
/// </summary>
[MemoryDiagnoser]
public class ClusterListBenchmarks
{
    [Params(10_000, 100_000)]
    public int Clusters { get; set; }

    private ClusterQueries queries = default!;

    [GlobalSetup]
    public void Setup()
    {
        queries = new ClusterQueries(ClusterSeed.Open(Clusters));
        // every case lists what it should, so a broken filter cannot look fast
        Expect(Newest_FirstPage(), Clusters - 1, first: $"c-{Clusters - 1:D6}");
        Expect(Newest_Page40(), Clusters - 1, first: $"c-{Clusters - 1 - 39 * 25:D6}");
        Expect(Name_Prefix(), 100, first: "c-001299");
        Expect(Provider_Aws(), Clusters / 4);
        Expect(Network_Spread(), ClusterSeed.PerNetwork);
        Expect(Network_Crowded(), ClusterSeed.Crowded(Clusters) - 1);
        Expect(State_Failed(), Clusters / 50);
        Expect(SortedByName(), Clusters - 1, first: "c-000000");
        Expect(SortedByState(), Clusters - 1);
        Expect(AllFilters(), Clusters > 20_000 ? 200 : 0); // c-010000… exist only in the larger fleet
    }

    private static void Expect(Task<ClusterPage> page, int total, string? first = null)
    {
        var p = page.GetAwaiter().GetResult();
        if (Math.Abs(p.Total - total) > 1) throw new InvalidOperationException($"expected {total} clusters, counted {p.Total}");
        if (first is not null && p.Rows[0].Name != first) throw new InvalidOperationException($"expected {first} first, listed {p.Rows[0].Name}");
    }

    private Task<ClusterPage> Page(ClusterFilter filter, ClusterOrder? order = null, int page = 0) =>
        queries.PageAsync(filter, order ?? ClusterOrder.Newest, page * 25, 25);

    /// <summary>What /clusters opens on: the newest 25 of all.</summary>
    [Benchmark(Baseline = true)]
    public Task<ClusterPage> Newest_FirstPage() => Page(ClusterFilter.None);

    /// <summary>Page 40 (OFFSET 975): the rows before it are stepped over on the index.</summary>
    [Benchmark]
    public Task<ClusterPage> Newest_Page40() => Page(ClusterFilter.None, page: 39);

    /// <summary>Names starting "c-0012": a range on the Name index (100 clusters).</summary>
    [Benchmark]
    public Task<ClusterPage> Name_Prefix() => Page(new ClusterFilter(Name: "C-0012"));

    /// <summary>One provider: a quarter of the fleet, newest first off (Provider, CreatedAt).</summary>
    [Benchmark]
    public Task<ClusterPage> Provider_Aws() => Page(new ClusterFilter(Provider: "AWS"));

    /// <summary>A network of 20, typed in another case.</summary>
    [Benchmark]
    public Task<ClusterPage> Network_Spread() => Page(new ClusterFilter(Provider: "BareOS", Network: ClusterSeed.SpreadNetwork.ToUpperInvariant()));

    /// <summary>The crowded network: half the fleet.</summary>
    [Benchmark]
    public Task<ClusterPage> Network_Crowded() => Page(new ClusterFilter(Network: ClusterSeed.CrowdedNetwork));

    /// <summary>Failed clusters (2%), off (State, CreatedAt).</summary>
    [Benchmark]
    public Task<ClusterPage> State_Failed() => Page(new ClusterFilter(State: JobState.Failed));

    [Benchmark]
    public Task<ClusterPage> SortedByName() => Page(ClusterFilter.None, new ClusterOrder(ClusterSort.Name, Descending: false));

    [Benchmark]
    public Task<ClusterPage> SortedByState() => Page(ClusterFilter.None, new ClusterOrder(ClusterSort.State, Descending: false));

    /// <summary>Name, provider, network and state at once (nothing left).</summary>
    [Benchmark]
    public Task<ClusterPage> AllFilters() => Page(new ClusterFilter(Name: "c-01", Provider: "BareOS", Network: ClusterSeed.CrowdedNetwork, State: JobState.Failed));
}
