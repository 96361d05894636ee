using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Resources;

namespace Calico.Wizard.Core.Addresses;

/// <summary>A range held on an L2 network: a cluster's containers or services range, a node network, a draft's range.</summary>
/// <param name="Holder">Who holds it: a cluster's name, <see cref="NodeNetwork"/>, <see cref="ThisDraft"/>.</param>
/// <param name="What">What it is for: <see cref="Containers"/>, <see cref="Services"/>, <see cref="ContainersIPv6"/>, <see cref="NodeNetwork"/>.</param>
/// <remarks>
/// Holder and What are data, not display text: the store caches a network's ranges for every request and circuit, so
/// they hold these language-neutral words, and <see cref="Words"/> says them in the current UI language where shown.
/// </remarks>
public sealed record UsedRange(IPNetwork Cidr, string Holder, string What)
{
    public const string Containers = "containers", Services = "services", ContainersIPv6 = "IPv6 containers", ServicesIPv6 = "IPv6 services",
        NodeNetwork = "node network", ThisDraft = "this draft";

    public AddressInterval Interval => AddressInterval.Of(Cidr);
    public NetworkStack Family => AddressInterval.FamilyOf(Cidr);

    /// <summary>One of the words above in the current UI language; anything else (a cluster's name) as it is.</summary>
    public static string Words(string word) => word switch
    {
        Containers => Messages.RangeContainers,
        Services => Messages.RangeServices,
        ContainersIPv6 => Messages.RangeContainersIPv6,
        ServicesIPv6 => Messages.RangeServicesIPv6,
        NodeNetwork => Messages.RangeNodeNetwork,
        ThisDraft => Messages.RangeThisDraft,
        _ => word,
    };
}

/// <summary>A CIDR as the numbers of its first and last address, within its own family (IPv4 as 32 bits).</summary>
public readonly record struct AddressInterval(UInt128 First, UInt128 Last)
{
    public static AddressInterval Of(IPNetwork network)
    {
        var first = Number(network.BaseAddress);
        var hostBits = StrictCidr.AddressBits(network) - network.PrefixLength;
        var span = hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
        return new(first, first + span);
    }

    public bool Overlaps(AddressInterval other) => First <= other.Last && other.First <= Last;

    public static UInt128 Number(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            return BinaryPrimitives.ReadUInt32BigEndian(bytes);
        }
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    public static IPAddress Address(UInt128 number, NetworkStack family)
    {
        if (family == NetworkStack.IPv4) return new IPAddress(BinaryPrimitives.ReverseEndianness((uint)number));
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, number);
        return new IPAddress(bytes);
    }

    public static NetworkStack FamilyOf(IPNetwork network) =>
        network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? NetworkStack.IPv6 : NetworkStack.IPv4;
}

/// <summary>
/// Everything registered on one L2 network, ordered by address per family, with the ranges merged into disjoint
/// intervals: what the address planner walks and the address map draws. Built once per change of the registry
/// (the store caches it), then only read, so one instance serves every circuit and request.
/// </summary>
public sealed class NetworkUsage
{
    public static readonly NetworkUsage Empty = new([]);

    private readonly AddressInterval[] mergedV4, mergedV6;

    public NetworkUsage(IEnumerable<UsedRange> ranges)
    {
        Ranges = ranges.OrderBy(r => r.Family).ThenBy(r => r.Interval.First).ThenByDescending(r => r.Interval.Last).ToArray();
        mergedV4 = Merge(Ranges.Where(r => r.Family == NetworkStack.IPv4).Select(r => r.Interval));
        mergedV6 = Merge(Ranges.Where(r => r.Family == NetworkStack.IPv6).Select(r => r.Interval));
    }

    /// <summary>Every range, IPv4 first, each family by first address.</summary>
    public IReadOnlyList<UsedRange> Ranges { get; }

    /// <summary>The family's held addresses as disjoint intervals in address order.</summary>
    public ReadOnlySpan<AddressInterval> Merged(NetworkStack family) => family == NetworkStack.IPv6 ? mergedV6 : mergedV4;

    /// <summary>Disjoint, ordered intervals covering exactly the given ones (adjacent ones stay apart: they are still two holders).</summary>
    public static AddressInterval[] Merge(IEnumerable<AddressInterval> intervals)
    {
        var sorted = intervals.OrderBy(i => i.First).ToArray();
        var merged = new List<AddressInterval>(sorted.Length);
        foreach (var i in sorted)
        {
            if (merged.Count > 0 && i.First <= merged[^1].Last)
            {
                if (i.Last > merged[^1].Last) merged[^1] = merged[^1] with { Last = i.Last };
            }
            else merged.Add(i);
        }
        return [.. merged];
    }

    /// <summary>Whether any held range of the interval's family overlaps it (a binary search).</summary>
    public bool Overlaps(AddressInterval interval, NetworkStack family)
    {
        var merged = Merged(family);
        var i = FirstEndingAtOrAfter(merged, interval.First);
        return i < merged.Length && merged[i].First <= interval.Last;
    }

    /// <summary>The index of the first interval whose last address is at or after <paramref name="address"/> (ends are ordered once merged).</summary>
    public static int FirstEndingAtOrAfter(ReadOnlySpan<AddressInterval> merged, UInt128 address)
    {
        int lo = 0, hi = merged.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (merged[mid].Last < address) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
