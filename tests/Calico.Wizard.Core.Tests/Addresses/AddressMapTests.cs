using System.Net;
using Calico.Wizard.Core.Addresses;

namespace Calico.Wizard.Core.Tests.Addresses;

public sealed class AddressMapTests
{
    private static readonly IPNetwork[] Spaces = [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("fd00::/8")];

    private static UsedRange R(string cidr, string holder, string what = "containers") => new(IPNetwork.Parse(cidr), holder, what);

    [Fact]
    public void Each_range_sits_at_its_place_in_its_space_and_a_clash_is_marked_on_both_sides()
    {
        var usage = new NetworkUsage([R("10.20.0.0/16", "edge-01"), R("10.21.0.0/16", "edge-01", "services"), R("10.128.0.0/9", "big")]);
        var map = AddressMap.Build("rack-1", Spaces, usage, [R("10.20.128.0/17", "this draft"), R("10.40.0.0/16", "this draft", "services")], [IPNetwork.Parse("192.168.0.0/22")]);

        var bar = Assert.Single(map.Bars, b => b.Space == "10.0.0.0/8" && !b.Zoom);
        Assert.Equal("10.0.0.0", bar.FirstAddress);
        Assert.Equal("10.255.255.255", bar.LastAddress);
        var big = Assert.Single(bar.Segments, s => s.Label == "big containers 10.128.0.0/9");
        Assert.Equal(500, big.X, 3);       // the upper half of 10/8
        Assert.Equal(500, big.Width, 3);
        Assert.Equal(MapKind.Clash, Assert.Single(bar.Segments, s => s.Label == "edge-01 containers 10.20.0.0/16").Kind);
        Assert.Equal(MapKind.Clash, Assert.Single(bar.Segments, s => s.Label == "this draft containers 10.20.128.0/17").Kind);
        Assert.Equal(MapKind.Mine, Assert.Single(bar.Segments, s => s.Label == "this draft services 10.40.0.0/16").Kind);
        Assert.Equal(MapKind.Cluster, Assert.Single(bar.Segments, s => s.Label == "edge-01 services 10.21.0.0/16").Kind);
        Assert.Contains(map.Bars, b => b.Space == "outside the address spaces" && b.Segments.Single().Kind == MapKind.Node); // 192.168/22 is in no space
        Assert.True(map.HasClash);
        Assert.DoesNotContain(map.Bars, b => b.Zoom); // the draft's ranges span 10.20–10.40: the whole bar already shows them
        Assert.Equal(MapKind.Clash, map.Rows[0].Kind); // clashes first in the table
    }

    [Fact]
    public void A_sliver_of_the_space_gets_a_close_up_with_its_neighbours()
    {
        var usage = new NetworkUsage([R("10.1.0.0/20", "a"), R("10.1.32.0/19", "b", "services"), R("10.20.0.0/16", "c")]);
        var map = AddressMap.Build("rack-1", Spaces, usage, [R("10.1.64.0/21", "this draft")], []);
        var closeup = Assert.Single(map.Bars, b => b.Zoom);
        Assert.Equal(IPNetwork.Parse("10.1.0.0/17"), closeup.Domain); // 16 times the /21
        Assert.Equal(["a containers 10.1.0.0/20", "b services 10.1.32.0/19", "this draft containers 10.1.64.0/21"], closeup.Segments.Select(s => s.Label));
        Assert.Equal(250, closeup.Segments[1].X, 3);
        Assert.Equal(250, closeup.Segments[1].Width, 3);
        Assert.Equal(MapKind.Mine, closeup.Segments[2].Kind);
    }

    [Fact]
    public void A_tiny_IPv6_corner_is_shown_zoomed_so_its_ranges_are_visible()
    {
        var map = AddressMap.Build("rack-1", Spaces, NetworkUsage.Empty, [R("fd00:10:20::/64", "this draft"), R("fd00:10:21::/112", "this draft", "services")], []);
        var bar = Assert.Single(map.Bars, b => !b.Zoom);
        Assert.Equal("fd00::/8", bar.Space);
        Assert.Equal(IPNetwork.Parse("fd00:10::/39"), bar.Domain);  // 8 bits wider than fd00:10:20::/47, the block holding both
        Assert.All(bar.Segments, s => Assert.InRange(s.X, 1, 999));
    }

    [Fact]
    public void A_crowded_bar_groups_neighbours_but_never_the_draft()
    {
        var usage = new NetworkUsage(Enumerable.Range(0, 5_000).Select(i => new UsedRange(new IPNetwork(AddressInterval.Address((10u << 24) + (uint)i * 1024, Core.Drafts.NetworkStack.IPv4), 22), $"c-{i}", "containers")));
        var map = AddressMap.Build("rack-1", Spaces, usage, [R("10.200.0.0/16", "this draft")], []);
        var bar = Assert.Single(map.Bars, b => !b.Zoom);
        Assert.True(bar.Segments.Count <= AddressMap.MaxSegmentsPerBar + 1, $"{bar.Segments.Count} segments drawn");
        Assert.Equal(5_000, bar.Segments.Where(s => s.Kind == MapKind.Cluster).Sum(s => s.Count)); // every range is in some segment
        Assert.Single(bar.Segments, s => s.Kind == MapKind.Mine);
        Assert.Equal(AddressMap.MaxRows, map.Rows.Count);
        Assert.Equal(5_001, map.TotalRows);
        Assert.Equal("this draft", map.Rows[0].Holder);
    }
}
