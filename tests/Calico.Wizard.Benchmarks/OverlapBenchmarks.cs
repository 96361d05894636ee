using System.Net;
using BenchmarkDotNet.Attributes;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Store;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Benchmarks;

/// <summary>
/// <see cref="StoreClusterRegistry.OverlappingAsync"/> (the seed's "no two clusters on one L2 network share ranges")
/// on SQLite with 1k / 10k / 100k registered clusters (<see cref="ClusterSeed"/>: half spread over networks of 20,
/// half crowded on ONE network). The index seeks must keep the cost flat as N grows; the Scan baseline is the
/// interface's default (load the network's clusters, filter in memory), which grows with the crowded network.
/// </summary>
[MemoryDiagnoser]
public class OverlapBenchmarks
{
    [Params(1_000, 10_000, 100_000)]
    public int Clusters { get; set; }

    private StoreClusterRegistry registry = default!;
    private IClusterRegistry scan = default!;
    private IPNetwork crowdedGap, crowdedTaken;
    private static readonly IPNetwork Free16 = IPNetwork.Parse("10.100.0.0/16");
    private static readonly IPNetwork Taken16 = IPNetwork.Parse("10.20.0.0/16");
    private static readonly IPNetwork Wide16 = IPNetwork.Parse("10.0.0.0/16");

    [GlobalSetup]
    public void Setup()
    {
        registry = new StoreClusterRegistry(ClusterSeed.Open(Clusters));
        scan = new ScanRegistry(registry);
        crowdedGap = ClusterSeed.CrowdedContainers(ClusterSeed.GapSlot(Clusters));
        crowdedTaken = ClusterSeed.CrowdedContainers(ClusterSeed.GapSlot(Clusters) + 1);
        Expect(Spread_Free(), 0);
        Expect(Spread_Clash(), 1);
        Expect(Crowded_Free(), 0);
        Expect(Crowded_Clash(), 1);
        Expect(Crowded_Free_Scan(), 0);
    }

    private static void Expect(Task<IReadOnlyList<RegisteredCluster>> found, int count)
    {
        var n = found.GetAwaiter().GetResult().Count;
        if (n != count) throw new InvalidOperationException($"expected {count} overlapping clusters, found {n}");
    }

    /// <summary>A free /16 on a network of 20 clusters: the usual keystroke.</summary>
    [Benchmark]
    public Task<IReadOnlyList<RegisteredCluster>> Spread_Free() => registry.OverlappingAsync("BareOS", ClusterSeed.SpreadNetwork, Free16);

    /// <summary>PMK's default 10.20.0.0/16, taken by one cluster on that network.</summary>
    [Benchmark]
    public Task<IReadOnlyList<RegisteredCluster>> Spread_Clash() => registry.OverlappingAsync("BareOS", ClusterSeed.SpreadNetwork, Taken16);

    /// <summary>The one free /26 in the middle of the crowded network (N/2 clusters on it).</summary>
    [Benchmark]
    public Task<IReadOnlyList<RegisteredCluster>> Crowded_Free() => registry.OverlappingAsync("BareOS", ClusterSeed.CrowdedNetwork, crowdedGap);

    /// <summary>Its neighbour, taken by one cluster.</summary>
    [Benchmark]
    public Task<IReadOnlyList<RegisteredCluster>> Crowded_Clash() => registry.OverlappingAsync("BareOS", ClusterSeed.CrowdedNetwork, crowdedTaken);

    /// <summary>A /16 on the crowded network that contains ~500 clusters' ranges: the answer itself is large.</summary>
    [Benchmark]
    public Task<IReadOnlyList<RegisteredCluster>> Crowded_Wide16_ManyHits() => registry.OverlappingAsync("BareOS", ClusterSeed.CrowdedNetwork, Wide16);

    /// <summary>Baseline: the interface's default implementation — every cluster of the crowded network, filtered in memory.</summary>
    [Benchmark]
    public Task<IReadOnlyList<RegisteredCluster>> Crowded_Free_Scan() => scan.OverlappingAsync("BareOS", ClusterSeed.CrowdedNetwork, crowdedGap);

    /// <summary>Only OnNetworkAsync, so OverlappingAsync is the interface's default scan.</summary>
    private sealed class ScanRegistry(StoreClusterRegistry inner) : IClusterRegistry
    {
        public Task<IReadOnlyList<RegisteredCluster>> OnNetworkAsync(string provider, string l2Network, CancellationToken cancellationToken = default) =>
            inner.OnNetworkAsync(provider, l2Network, cancellationToken);

        public Task<RegisteredCluster?> FindByNameAsync(string name, CancellationToken cancellationToken = default) =>
            inner.FindByNameAsync(name, cancellationToken);
    }
}
