using System.Net;
using System.Numerics;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Resources;

namespace Calico.Wizard.Core.Addresses;

/// <summary>What a drawn range is: another cluster's, the node network, the draft's (or the cluster shown), or a clash.</summary>
public enum MapKind { Cluster, Node, Mine, Clash }

/// <param name="X">Left edge, 0–<see cref="AddressMap.Width"/>.</param>
/// <param name="Label">What hover, focus and the screen reader say: "edge-01 containers 10.20.0.0/16".</param>
/// <param name="Count">How many ranges the segment stands for (more than one where a crowded bar groups them).</param>
public sealed record MapSegment(double X, double Width, MapKind Kind, string Label, int Count);

/// <summary>One bar: a stretch of one address space (all of it, or the part around its ranges), with the ranges in it.</summary>
/// <param name="Zoom">A close-up of the bar above it, around the highlighted ranges.</param>
public sealed record MapBar(NetworkStack Family, IPNetwork Domain, string Space, string FirstAddress, string LastAddress,
    IReadOnlyList<MapSegment> Segments, int Ranges, bool Zoom = false);

/// <summary>One row of the table beside the picture (<see cref="Holder"/> and <see cref="What"/> in the UI language it was built in).</summary>
public sealed record MapRow(string Cidr, string Holder, string What, MapKind Kind);

public sealed record AddressMapView(string Network, IReadOnlyList<MapBar> Bars, IReadOnlyList<MapRow> Rows, int TotalRows)
{
    public bool HasClash => Rows.Any(r => r.Kind == MapKind.Clash);
}

/// <summary>
/// The address map of an L2 network: per address space a bar from its first to its last address, each range held
/// on the network drawn at its place. Pure and bounded: a crowded bar groups neighbouring ranges (at most
/// <see cref="MaxSegmentsPerBar"/> drawn), the table lists at most <see cref="MaxRows"/>, the draft's own ranges first.
/// </summary>
public static class AddressMap
{
    public const double Width = 1000, MinWidth = 2;
    public const int MaxSegmentsPerBar = 240, MaxRows = 60;

    /// <param name="mine">The draft's ranges (or, on a cluster's page, that cluster's), drawn as <see cref="MapKind.Mine"/>.</param>
    /// <param name="nodes">The node networks the draft names.</param>
    public static AddressMapView Build(string network, IReadOnlyList<IPNetwork> spaces, NetworkUsage usage, IReadOnlyList<UsedRange> mine,
        IReadOnlyList<IPNetwork> nodes)
    {
        // A registered range is drawn as "mine" when it is the cluster shown (same holder and range), a clash when a draft range overlaps it.
        var registered = usage.Ranges.Where(r => !mine.Any(m => m.Holder == r.Holder && m.Cidr.Equals(r.Cidr))).ToArray();
        var nodeRanges = nodes.Select(n => new UsedRange(n, UsedRange.NodeNetwork, UsedRange.NodeNetwork)).ToArray();
        var all = new List<(UsedRange Range, MapKind Kind)>();
        foreach (var m in mine)
        {
            var clash = registered.Any(r => r.Family == m.Family && r.Interval.Overlaps(m.Interval))
                || nodeRanges.Any(n => n.Family == m.Family && n.Interval.Overlaps(m.Interval))
                || mine.Any(o => !ReferenceEquals(o, m) && o.Family == m.Family && o.Interval.Overlaps(m.Interval));
            all.Add((m, clash ? MapKind.Clash : MapKind.Mine));
        }
        all.AddRange(nodeRanges.Select(n => (n, mine.Any(m => m.Family == n.Family && m.Interval.Overlaps(n.Interval)) ? MapKind.Clash : MapKind.Node)));
        all.AddRange(registered.Select(r => (r, mine.Any(m => m.Family == r.Family && m.Interval.Overlaps(r.Interval)) ? MapKind.Clash : MapKind.Cluster)));

        var bars = new List<MapBar>();
        var placed = new HashSet<UsedRange>();
        foreach (var space in spaces)
        {
            var family = AddressInterval.FamilyOf(space);
            var inside = all.Where(a => a.Range.Family == family && space.Contains(a.Range.Cidr.BaseAddress)
                && a.Range.Cidr.PrefixLength >= space.PrefixLength && !placed.Contains(a.Range)).ToList();
            if (inside.Count == 0) continue;
            inside.ForEach(a => placed.Add(a.Range));
            var domain = Domain(space, inside.Select(a => a.Range.Cidr));
            bars.Add(Bar(space.ToString(), domain, inside));
            // The highlighted ranges are often slivers of the whole space: a close-up 16 times their extent shows their neighbours.
            var highlighted = inside.Where(a => mine.Contains(a.Range)).Select(a => a.Range.Cidr).ToArray();
            if (highlighted.Length > 0 && Closeup(domain, highlighted) is { } closeup)
            {
                var c = AddressInterval.Of(closeup);
                bars.Add(Bar(space.ToString(), closeup, inside.Where(a => a.Range.Interval.Overlaps(c)).ToList()) with { Zoom = true });
            }
        }
        foreach (var family in new[] { NetworkStack.IPv4, NetworkStack.IPv6 })
        {
            var outside = all.Where(a => a.Range.Family == family && !placed.Contains(a.Range)).ToList();
            if (outside.Count == 0) continue;
            bars.Add(Bar(Messages.MapOutsideSpaces, Domain(new IPNetwork(AddressInterval.Address(0, family), 0), outside.Select(a => a.Range.Cidr)), outside));
        }

        var rows = all.OrderBy(a => a.Kind switch { MapKind.Clash => 0, MapKind.Mine => 1, MapKind.Node => 2, _ => 3 })
            .ThenBy(a => a.Range.Family).ThenBy(a => a.Range.Interval.First)
            .Select(a => new MapRow(a.Range.Cidr.ToString(), UsedRange.Words(a.Range.Holder), UsedRange.Words(a.Range.What), a.Kind));
        return new AddressMapView(network, bars, rows.Take(MaxRows).ToArray(), all.Count);
    }

    /// <summary>
    /// The stretch a bar spans: the whole space, unless its ranges sit in a tiny corner of it (an IPv6 /64 in fd00::/8);
    /// then the block 8 bits wider than the smallest one holding them all, so they fill at least 1/256 of the bar.
    /// </summary>
    private static IPNetwork Domain(IPNetwork space, IEnumerable<IPNetwork> ranges)
    {
        var family = AddressInterval.FamilyOf(space);
        var bits = StrictCidr.AddressBits(space);
        var intervals = ranges.Select(AddressInterval.Of).ToArray();
        var first = intervals.Min(i => i.First);
        var last = intervals.Max(i => i.Last);
        var common = bits - (int)((BigInteger)(first ^ last)).GetBitLength(); // the leading bits every range shares
        var prefix = Math.Max(space.PrefixLength, common - 8);
        var mask = prefix == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - prefix) >> (128 - bits);
        return new IPNetwork(AddressInterval.Address(first & mask, family), prefix);
    }

    /// <summary>The block 4 bits wider than the smallest one holding <paramref name="ranges"/>, when it is at least 4 bits narrower than the bar's.</summary>
    private static IPNetwork? Closeup(IPNetwork domain, IReadOnlyList<IPNetwork> ranges)
    {
        var bits = StrictCidr.AddressBits(domain);
        var intervals = ranges.Select(AddressInterval.Of).ToArray();
        var first = intervals.Min(i => i.First);
        var common = bits - (int)((BigInteger)(first ^ intervals.Max(i => i.Last))).GetBitLength();
        var prefix = Math.Max(domain.PrefixLength, common - 4);
        if (prefix - domain.PrefixLength < 4) return null;
        var mask = UInt128.MaxValue << (128 - prefix) >> (128 - bits);
        return new IPNetwork(AddressInterval.Address(first & mask, AddressInterval.FamilyOf(domain)), prefix);
    }

    private static MapBar Bar(string space, IPNetwork domain, List<(UsedRange Range, MapKind Kind)> ranges)
    {
        var family = AddressInterval.FamilyOf(domain);
        var d = AddressInterval.Of(domain);
        var size = (double)(d.Last - d.First) + 1;
        double X(UInt128 address) => address <= d.First ? 0 : address > d.Last ? Width : (double)(address - d.First) / size * Width;

        var segments = new List<MapSegment>();
        var ordered = ranges.OrderBy(r => r.Range.Interval.First).ToList();
        // Others' ranges are grouped by the pixel they start in once a bar holds more than it can draw one by one.
        var group = ordered.Count(r => r.Kind == MapKind.Cluster) > MaxSegmentsPerBar;
        var bucket = Width / MaxSegmentsPerBar;
        for (var i = 0; i < ordered.Count; i++)
        {
            var (range, kind) = ordered[i];
            var x = X(range.Interval.First);
            var end = Math.Min(Width, X(range.Interval.Last) + Width / size);
            if (group && kind == MapKind.Cluster)
            {
                var first = range;
                var count = 1;
                var cell = Math.Floor(x / bucket);
                while (i + 1 < ordered.Count && ordered[i + 1].Kind == MapKind.Cluster && Math.Floor(X(ordered[i + 1].Range.Interval.First) / bucket) == cell)
                {
                    i++;
                    count++;
                    end = Math.Min(Width, Math.Max(end, X(ordered[i].Range.Interval.Last) + Width / size));
                }
                if (count > 1)
                {
                    var lastAddress = AddressInterval.Address(ordered[i].Range.Interval.Last, family);
                    segments.Add(new(x, Math.Max(MinWidth, end - x), kind,
                        Text.Format(Messages.MapGroupedRanges, count, first.Cidr.BaseAddress, lastAddress), count));
                    continue;
                }
            }
            segments.Add(new(x, Math.Max(MinWidth, end - x), kind, $"{UsedRange.Words(range.Holder)} {UsedRange.Words(range.What)} {range.Cidr}", 1));
        }
        return new MapBar(family, domain, space, domain.BaseAddress.ToString(), AddressInterval.Address(d.Last, family).ToString(), segments, ranges.Count);
    }
}
