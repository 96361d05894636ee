using System.Net;

namespace Calico.Wizard.Core.Registry;

/// <summary>A cluster already submitted, as the seed's prerequisite needs it: its network and its ranges.</summary>
public sealed record RegisteredCluster(Guid DraftId, string Name, string L2Network, IPNetwork ContainersCidr, IPNetwork ServicesCidr,
    IPNetwork? ContainersCidrV6 = null, IPNetwork? ServicesCidrV6 = null)
{
    /// <summary>
    /// Every range the cluster holds, named by a <see cref="Addresses.UsedRange"/> word (a message says it with
    /// <see cref="Addresses.UsedRange.Words"/>): one pair, or two on dual-stack.
    /// </summary>
    public IEnumerable<(string Name, IPNetwork Cidr)> Ranges
    {
        get
        {
            yield return (Addresses.UsedRange.Containers, ContainersCidr);
            yield return (Addresses.UsedRange.Services, ServicesCidr);
            if (ContainersCidrV6 is { } c) yield return (Addresses.UsedRange.ContainersIPv6, c);
            if (ServicesCidrV6 is { } s) yield return (Addresses.UsedRange.ServicesIPv6, s);
        }
    }

    /// <summary>The ranges as the address planner and map hold them, each held by this cluster.</summary>
    public IEnumerable<Addresses.UsedRange> UsedRanges => Ranges.Select(r => new Addresses.UsedRange(r.Cidr, Name, r.Name));

    public static Addresses.NetworkUsage UsageOf(IEnumerable<RegisteredCluster> clusters) => new(clusters.SelectMany(c => c.UsedRanges));
}

/// <summary>The clusters submitted so far. The rules ask; the store answers.</summary>
public interface IClusterRegistry
{
    /// <summary>Clusters of the provider whose L2 network (case-insensitive) is the one given.</summary>
    Task<IReadOnlyList<RegisteredCluster>> OnNetworkAsync(string provider, string l2Network, CancellationToken cancellationToken = default);

    Task<RegisteredCluster?> FindByNameAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Clusters on that network whose containers or services range overlaps <paramref name="range"/>. A store
    /// answers from an index; this default filters <see cref="OnNetworkAsync"/>.
    /// </summary>
    /// <summary>
    /// Every range registered on that network, ordered and merged for the address planner and map. A store caches it
    /// per network; this default builds it from <see cref="OnNetworkAsync"/>.
    /// </summary>
    async Task<Addresses.NetworkUsage> UsageAsync(string provider, string l2Network, CancellationToken cancellationToken = default) =>
        RegisteredCluster.UsageOf(await OnNetworkAsync(provider, l2Network, cancellationToken));

    async Task<IReadOnlyList<RegisteredCluster>> OverlappingAsync(
        string provider, string l2Network, IPNetwork range, CancellationToken cancellationToken = default) =>
        (await OnNetworkAsync(provider, l2Network, cancellationToken))
            .Where(c => c.Ranges.Any(r => Addresses.StrictCidr.Overlap(r.Cidr, range))).ToArray();
}

/// <summary>No clusters: for checks that must not depend on a store (a spec file checked offline).</summary>
public sealed class EmptyClusterRegistry : IClusterRegistry
{
    public static readonly EmptyClusterRegistry Instance = new();
    public Task<IReadOnlyList<RegisteredCluster>> OnNetworkAsync(string provider, string l2Network, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<RegisteredCluster>>([]);
    public Task<RegisteredCluster?> FindByNameAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult<RegisteredCluster?>(null);
}
