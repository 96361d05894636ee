using System.Net;
using System.Numerics;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Resources;

namespace Calico.Wizard.Core.Addresses;

public enum RangeKind { Containers, Services }

/// <summary>How large a suggested range is, and why: the words the suggestion explains itself with.</summary>
public sealed record RangePlan(RangeKind Kind, NetworkStack Family, int Prefix, string Why);

/// <summary>A free range and why it was chosen, or (no range) why nothing fits.</summary>
public sealed record Suggestion(IPNetwork? Cidr, string Reason)
{
    public bool Found => Cidr is not null;
}

/// <summary>The address planning settings ("AddressPlanning" in appsettings.json).</summary>
public sealed class PlanningOptions
{
    /// <summary>Containers ranges are sized for planned nodes × IPs per node × this, so the cluster can grow.</summary>
    public int Headroom { get; set; } = 2;
    /// <summary>The services minimum: a /20 holds 4,096 Service IPs; the IPv6 /112 is PMK's default size.</summary>
    public int ServicesPrefixIPv4 { get; set; } = 20;
    public int ServicesPrefixIPv6 { get; set; } = 112;
    /// <summary>Flannel gives each node a /24 (IPv4) or a /64 (IPv6) of the containers range: its SubnetLen defaults.</summary>
    public const int FlannelSubnetIPv4 = 24, FlannelSubnetIPv6 = 64;
    /// <summary>Where suggestions come from when a provider configures no AddressSpaces: RFC 1918, shared (RFC 6598) and ULA space.</summary>
    public static readonly IReadOnlyList<string> DefaultSpaces = ["10.0.0.0/8", "172.16.0.0/12", "100.64.0.0/10", "fd00::/8"];

    public int ServicesPrefix(NetworkStack family) => family == NetworkStack.IPv6 ? ServicesPrefixIPv6 : ServicesPrefixIPv4;
}

/// <summary>
/// Finds the smallest free, aligned range on an L2 network that fits a plan. Pure: the registry's ranges come in as
/// a <see cref="NetworkUsage"/> (merged and ordered once), the few other ranges to avoid (node networks, the draft's
/// other ranges) as a list; the walk jumps from one held interval to the next, so it costs the number of intervals it
/// passes, never a scan of addresses.
/// </summary>
public static class FreeRangeSearch
{
    /// <summary>
    /// The prefix a plan needs. Containers: planned nodes × the addresses of one block (Calico) or node subnet (Flannel),
    /// times the headroom, rounded up to a power of two. Services: the configured minimum.
    /// </summary>
    public static RangePlan Plan(RangeKind kind, NetworkStack family, int plannedNodes, int? blockSize, PlanningOptions options)
    {
        var bits = family == NetworkStack.IPv6 ? 128 : 32;
        if (kind == RangeKind.Services)
        {
            var prefix = options.ServicesPrefix(family);
            return new(kind, family, prefix, Text.Format(Messages.PlanServices, BigInteger.Pow(2, bits - prefix)));
        }
        var perNodeBits = bits - (blockSize ?? (family == NetworkStack.IPv6 ? PlanningOptions.FlannelSubnetIPv6 : PlanningOptions.FlannelSubnetIPv4));
        var need = new BigInteger(plannedNodes) * BigInteger.Pow(2, perNodeBits) * Math.Max(1, options.Headroom);
        var hostBits = (int)(need - 1).GetBitLength(); // the bits that count need addresses: exact, no logarithm
        var headroom = options.Headroom > 1 ? Text.Format(Messages.PlanHeadroom, options.Headroom) : "";
        return new(kind, family, Math.Max(0, bits - hostBits),
            Text.Format(blockSize is null ? Messages.PlanContainersFlannel : Messages.PlanContainers, plannedNodes, BigInteger.Pow(2, perNodeBits), headroom));
    }

    /// <summary>The first free aligned /<paramref name="prefix"/> in the spaces, in their order, clear of the usage and <paramref name="avoid"/>.</summary>
    public static IPNetwork? FirstFree(IEnumerable<IPNetwork> spaces, int prefix, NetworkStack family, NetworkUsage usage, IEnumerable<IPNetwork> avoid)
    {
        var extra = NetworkUsage.Merge(avoid.Where(a => AddressInterval.FamilyOf(a) == family).Select(AddressInterval.Of));
        foreach (var space in spaces)
        {
            if (AddressInterval.FamilyOf(space) != family || space.PrefixLength > prefix) continue;
            if (FirstFreeIn(AddressInterval.Of(space), StrictCidr.AddressBits(space) - prefix, usage.Merged(family), extra) is { } first)
                return new IPNetwork(AddressInterval.Address(first, family), prefix);
        }
        return null;
    }

    /// <summary>The plan's range, explained: "10.40.0.0/18: 64 nodes × 64 IPs per node ×2 headroom; free on rack-a (in 10.0.0.0/8)".</summary>
    public static Suggestion Suggest(RangePlan plan, IReadOnlyList<IPNetwork> spaces, string network, NetworkUsage usage, IEnumerable<IPNetwork> avoid)
    {
        var inFamily = spaces.Where(s => AddressInterval.FamilyOf(s) == plan.Family).ToArray();
        if (inFamily.Length == 0)
            return new(null, Text.Format(Messages.SuggestNoAddressSpace, plan.Family, plan.Family == NetworkStack.IPv6 ? "fd00::/8" : "10.0.0.0/8"));
        if (FirstFree(inFamily, plan.Prefix, plan.Family, usage, avoid) is { } free)
        {
            var space = inFamily.First(s => s.Contains(free.BaseAddress));
            return new(free, Text.Format(Messages.SuggestFree, free, plan.Why, network, space));
        }
        return new(null, Text.Format(plan.Kind == RangeKind.Containers ? Messages.SuggestNothingFreeContainers : Messages.SuggestNothingFreeServices,
            plan.Prefix, plan.Why, network, string.Join(", ", inFamily)));
    }

    /// <summary>
    /// Walks the space from its first address: the next aligned candidate is free unless a held interval starts
    /// inside it; then the walk jumps past that interval. Both lists are disjoint and ordered.
    /// </summary>
    private static UInt128? FirstFreeIn(AddressInterval space, int hostBits, ReadOnlySpan<AddressInterval> held, ReadOnlySpan<AddressInterval> extra)
    {
        var size = hostBits >= 128 ? UInt128.MaxValue : UInt128.One << hostBits; // a /0 only fits a /0 space: never configured
        var mask = size - 1;
        var cursor = space.First;
        var i = NetworkUsage.FirstEndingAtOrAfter(held, cursor);
        var j = 0;
        while (true)
        {
            var candidate = (cursor + mask) & ~mask;
            if (candidate < cursor || candidate > space.Last || space.Last - candidate < mask) return null;
            var last = candidate + mask;
            while (i < held.Length && held[i].Last < candidate) i++;
            while (j < extra.Length && extra[j].Last < candidate) j++;
            var blocker = Blocker(held, i, extra, j, last);
            if (blocker is not { } end) return candidate;
            if (end == UInt128.MaxValue) return null;
            cursor = end + 1;
        }
    }

    /// <summary>The end of the earliest interval (of either list) that starts at or before <paramref name="last"/>, or null.</summary>
    private static UInt128? Blocker(ReadOnlySpan<AddressInterval> held, int i, ReadOnlySpan<AddressInterval> extra, int j, UInt128 last)
    {
        UInt128? end = null;
        if (i < held.Length && held[i].First <= last) end = held[i].Last;
        if (j < extra.Length && extra[j].First <= last && (end is null || extra[j].Last > end)) end = extra[j].Last;
        return end;
    }
}
