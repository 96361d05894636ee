using System.Linq.Expressions;
using System.Net;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Rules;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Store;

/// <summary>The registry the rules ask, answered from the clusters table (indexed by provider and network).</summary>
public sealed class StoreClusterRegistry(IDbContextFactory<WizardDbContext> dbFactory, TimeProvider? time = null) : IClusterRegistry
{
    /// <summary>How long a network's cached usage is trusted without a new submission anywhere (bounds what another replica's clock can hide).</summary>
    public static readonly TimeSpan UsageMaxAge = TimeSpan.FromSeconds(30);

    /// <summary>The most ranges kept across all cached networks (each entry's size is its range count).</summary>
    public const long UsageCacheRanges = 400_000;

    private readonly TimeProvider clock = time ?? TimeProvider.System;
    private readonly MemoryCache usageCache = new(new MemoryCacheOptions { SizeLimit = UsageCacheRanges });

    private sealed record CachedUsage(DateTime Stamp, DateTimeOffset ReadAt, NetworkUsage Usage);

    public static string NetworkKey(string l2Network) => l2Network.Trim().ToLowerInvariant();

    /// <summary>The columns the rules need; one projection, so every query reads the same seven.</summary>
    private sealed class Row
    {
        public Guid DraftId { get; init; }
        public string Name { get; init; } = "";
        public string L2Network { get; init; } = "";
        public string ContainersCidr { get; init; } = "";
        public string ServicesCidr { get; init; } = "";
        public string? ContainersCidrV6 { get; init; }
        public string? ServicesCidrV6 { get; init; }

        public RegisteredCluster ToRegistered() => new(DraftId, Name, L2Network, IPNetwork.Parse(ContainersCidr), IPNetwork.Parse(ServicesCidr),
            ContainersCidrV6 is { } c ? IPNetwork.Parse(c) : null, ServicesCidrV6 is { } s ? IPNetwork.Parse(s) : null);
    }

    // Member initialization (not a constructor) so EF can still translate the UNION ALL below.
    private static readonly Expression<Func<ClusterRecord, Row>> AsRow = c => new Row
    {
        DraftId = c.DraftId, Name = c.Name, L2Network = c.L2Network, ContainersCidr = c.ContainersCidr, ServicesCidr = c.ServicesCidr,
        ContainersCidrV6 = c.ContainersCidrV6, ServicesCidrV6 = c.ServicesCidrV6,
    };

    public async Task<IReadOnlyList<RegisteredCluster>> OnNetworkAsync(string provider, string l2Network, CancellationToken cancellationToken = default)
    {
        var key = NetworkKey(l2Network);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Clusters.AsNoTracking().Where(c => c.Provider == provider && c.NetworkKey == key).Select(AsRow).ToListAsync(cancellationToken);
        return rows.Select(r => r.ToRegistered()).ToArray();
    }

    /// <summary>
    /// CIDRs are nested or disjoint: a registered range overlaps [first, last] when it starts inside it, or when it
    /// is one of the few ranges that contain it (which start at <c>first</c> masked at some prefix). Both are
    /// seeks on the ranges' (provider, network, first) index — no scan of the network's clusters — each its own
    /// SELECT (UNION ALL): joined with OR, SQLite (no statistics) seeks only the (provider, network) prefix and
    /// filters every range of the network, linear in a crowded network (docs/performance.md).
    /// </summary>
    public async Task<IReadOnlyList<RegisteredCluster>> OverlappingAsync(
        string provider, string l2Network, IPNetwork range, CancellationToken cancellationToken = default)
    {
        var key = NetworkKey(l2Network);
        var first = AddressKey.First(range);
        var last = AddressKey.Last(range);
        var containing = AddressKey.ContainingStarts(range);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var onNetwork = db.ClusterRanges.AsNoTracking().Where(r => r.Provider == provider && r.NetworkKey == key);
        var holders = onNetwork.Where(r => r.First.CompareTo(first) >= 0 && r.First.CompareTo(last) <= 0).Select(r => r.ClusterId)
            .Concat(onNetwork.Where(r => containing.Contains(r.First)).Select(r => r.ClusterId));
        var rows = await db.Clusters.AsNoTracking().Where(c => holders.Contains(c.Id)).Select(AsRow).ToListAsync(cancellationToken);
        return rows.Select(r => r.ToRegistered())
            .Where(c => c.Ranges.Any(r => StrictCidr.Overlap(r.Cidr, range)))
            .ToArray();
    }

    /// <summary>
    /// The network's ranges, read once (one index range of that network) and kept until a cluster is submitted on that
    /// network (its newest <c>CreatedAt</c>, one seek on the (provider, network, created) index, moves) or
    /// <see cref="UsageMaxAge"/> passes. Planners double-check
    /// their answer with <see cref="OverlappingAsync"/>, so a stale entry costs a retry, never a clash.
    /// </summary>
    public async Task<NetworkUsage> UsageAsync(string provider, string l2Network, CancellationToken cancellationToken = default)
    {
        var key = (provider, NetworkKey(l2Network));
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var onNetwork = db.Clusters.AsNoTracking().Where(c => c.Provider == provider && c.NetworkKey == key.Item2);
        var stamp = await onNetwork.MaxAsync(c => (DateTime?)c.CreatedAt, cancellationToken) ?? DateTime.MinValue;
        var now = clock.GetUtcNow();
        if (usageCache.TryGetValue(key, out CachedUsage? cached) && cached!.Stamp == stamp && now - cached.ReadAt < UsageMaxAge)
            return cached.Usage;
        var rows = await onNetwork.Select(AsRow).ToListAsync(cancellationToken);
        var usage = RegisteredCluster.UsageOf(rows.Select(r => r.ToRegistered()));
        usageCache.Set(key, new CachedUsage(stamp, now, usage), new MemoryCacheEntryOptions { Size = Math.Max(1, usage.Ranges.Count) });
        return usage;
    }

    public async Task<RegisteredCluster?> FindByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.Clusters.AsNoTracking().Where(c => c.Name == name).Select(AsRow).SingleOrDefaultAsync(cancellationToken);
        return row?.ToRegistered();
    }
}
