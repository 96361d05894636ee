using System.Net;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using CsCheck;

namespace Calico.Wizard.Core.Tests.Addresses;

/// <summary>
/// The planner against a brute-force oracle on random registries: its answer is the first aligned range of the
/// size, in the spaces' order, that overlaps nothing given — so it is free, aligned, fits and avoids every range.
/// </summary>
public sealed class FreeRangeSearchTests
{
    private static readonly IPNetwork[] SmallSpacesV4 = [IPNetwork.Parse("10.0.0.0/20"), IPNetwork.Parse("172.16.0.0/22")];
    private static readonly IPNetwork[] SmallSpacesV6 = [IPNetwork.Parse("fd00::/116"), IPNetwork.Parse("fd00:1::/118")];

    /// <summary>A CIDR in or near the spaces: random base, random prefix, host bits masked off.</summary>
    private static Gen<IPNetwork> Range(IPNetwork[] spaces, int minPrefix, int maxPrefix) =>
        Gen.Select(Gen.Int[0, spaces.Length - 1], Gen.Int[minPrefix, maxPrefix], Gen.ULong, (s, prefix, offset) =>
        {
            var space = AddressInterval.Of(spaces[s]);
            var span = space.Last - space.First + 1;
            var bits = spaces[s].BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32;
            var address = space.First + (UInt128)offset % span;
            var family = bits == 128 ? NetworkStack.IPv6 : NetworkStack.IPv4;
            return IPNetwork.Parse($"{AddressInterval.Address(address, family)}/{prefix}");
        });

    /// <summary>Every aligned block of the size in the spaces, in order, checked against every range: the answer by definition.</summary>
    private static IPNetwork? Oracle(IPNetwork[] spaces, int prefix, NetworkStack family, IEnumerable<IPNetwork> held)
    {
        var taken = held.Select(AddressInterval.Of).ToArray();
        foreach (var space in spaces.Where(s => s.PrefixLength <= prefix))
        {
            var s = AddressInterval.Of(space);
            var size = UInt128.One << (StrictCidr.AddressBits(space) - prefix);
            for (var first = s.First; first <= s.Last && first >= s.First; first += size)
            {
                var candidate = new AddressInterval(first, first + size - 1);
                if (!taken.Any(t => t.Overlaps(candidate))) return new IPNetwork(AddressInterval.Address(first, family), prefix);
            }
        }
        return null;
    }

    private static void AgreesWithOracle(IPNetwork[] spaces, NetworkStack family, int minPrefix, int maxPrefix, int askMin, int askMax)
    {
        var gen = Gen.Select(Range(spaces, minPrefix, maxPrefix).Array[0, 40], Range(spaces, minPrefix, maxPrefix).Array[0, 3], Gen.Int[askMin, askMax]);
        gen.Sample((registered, avoid, prefix) =>
        {
            var usage = new NetworkUsage(registered.Select((r, i) => new UsedRange(r, $"c-{i}", "containers")));
            var found = FreeRangeSearch.FirstFree(spaces, prefix, family, usage, avoid);
            var expected = Oracle(spaces, prefix, family, registered.Concat(avoid));
            Assert.Equal(expected, found);
            if (found is not { } f) return;
            Assert.Equal(prefix, f.PrefixLength);
            Assert.Contains(spaces, s => s.Contains(f.BaseAddress) && s.PrefixLength <= f.PrefixLength); // inside a space
            Assert.Equal(IPNetwork.Parse($"{f.BaseAddress}/{prefix}").BaseAddress, f.BaseAddress);      // aligned
            Assert.DoesNotContain(registered.Concat(avoid), r => StrictCidr.Overlap(r, f));             // free of everything given
        }, iter: 3_000, seed: null);
    }

    [Fact]
    public void IPv4_the_answer_is_the_oracle_s_first_free_aligned_range() =>
        AgreesWithOracle(SmallSpacesV4, NetworkStack.IPv4, 18, 28, 20, 28);

    [Fact]
    public void IPv6_the_answer_is_the_oracle_s_first_free_aligned_range() =>
        AgreesWithOracle(SmallSpacesV6, NetworkStack.IPv6, 112, 126, 114, 126);

    [Fact]
    public void A_full_network_says_nothing_fits_and_why()
    {
        var usage = new NetworkUsage([new UsedRange(IPNetwork.Parse("10.0.0.0/8"), "big", "containers")]);
        var plan = FreeRangeSearch.Plan(RangeKind.Containers, NetworkStack.IPv4, 3, 26, new PlanningOptions());
        var suggestion = FreeRangeSearch.Suggest(plan, [IPNetwork.Parse("10.0.0.0/8")], "rack-a", usage, []);
        Assert.False(suggestion.Found);
        Assert.Contains("No free /23 for containers (3 nodes × 64 IPs per node ×2 headroom) on rack-a in 10.0.0.0/8", suggestion.Reason);
    }

    [Fact]
    public void A_suggestion_explains_itself_and_moves_on_to_the_next_space_when_the_first_is_full()
    {
        var usage = new NetworkUsage([new UsedRange(IPNetwork.Parse("10.0.0.0/8"), "big", "containers")]);
        var plan = FreeRangeSearch.Plan(RangeKind.Containers, NetworkStack.IPv4, 64, 26, new PlanningOptions());
        var suggestion = FreeRangeSearch.Suggest(plan, [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("172.16.0.0/12")], "rack-a", usage, []);
        Assert.Equal("172.16.0.0/19: 64 nodes × 64 IPs per node ×2 headroom; free on rack-a (in 172.16.0.0/12).", suggestion.Reason);
    }

    [Theory]
    [InlineData(3, 26, 23)]      // 3 × 64 × 2 = 384 → 512
    [InlineData(64, 26, 19)]     // 64 × 64 × 2 = 8,192 exactly
    [InlineData(65, 26, 18)]
    [InlineData(5000, 26, 12)]   // 640,000 → 2^20
    [InlineData(1, 31, 30)]      // a /31 block (2 IPs) × 2
    public void IPv4_containers_are_sized_for_nodes_times_block_times_headroom(int nodes, int block, int prefix)
    {
        var plan = FreeRangeSearch.Plan(RangeKind.Containers, NetworkStack.IPv4, nodes, block, new PlanningOptions());
        Assert.Equal(prefix, plan.Prefix);
        Assert.True(plan.Prefix <= block, "a pool is never narrower than its block");
        Assert.True(Core.Rules.BlockCapacity.Of(plan.Prefix, block, NetworkStack.IPv4).MaxNodes >= nodes, "every planned node gets a block");
    }

    [Fact]
    public void IPv6_and_Flannel_plans_use_their_own_per_node_sizes()
    {
        Assert.Equal(114, FreeRangeSearch.Plan(RangeKind.Containers, NetworkStack.IPv6, 100, 122, new PlanningOptions()).Prefix); // 100 × 64 × 2 = 12,800 → 2^14
        var flannel = FreeRangeSearch.Plan(RangeKind.Containers, NetworkStack.IPv4, 10, null, new PlanningOptions());
        Assert.Equal(19, flannel.Prefix); // 10 × 256 (a /24 each) × 2 = 5,120 → 2^13
        Assert.Contains("Flannel", flannel.Why);
        Assert.Equal(20, FreeRangeSearch.Plan(RangeKind.Services, NetworkStack.IPv4, 10, 26, new PlanningOptions()).Prefix);
        Assert.Equal(112, FreeRangeSearch.Plan(RangeKind.Services, NetworkStack.IPv6, 10, 122, new PlanningOptions()).Prefix);
        Assert.Equal(24, FreeRangeSearch.Plan(RangeKind.Containers, NetworkStack.IPv4, 3, 26, new PlanningOptions { Headroom = 1 }).Prefix);
    }

    [Fact]
    public void Ranges_of_the_other_family_never_block()
    {
        var usage = new NetworkUsage([new UsedRange(IPNetwork.Parse("fd00::/8"), "v6", "containers")]);
        Assert.Equal(IPNetwork.Parse("10.0.0.0/16"), FreeRangeSearch.FirstFree([IPNetwork.Parse("10.0.0.0/8")], 16, NetworkStack.IPv4, usage, [IPNetwork.Parse("fd00::/16")]));
    }

    [Fact]
    public void A_space_smaller_than_the_plan_is_skipped()
    {
        Assert.Null(FreeRangeSearch.FirstFree([IPNetwork.Parse("10.0.0.0/24")], 16, NetworkStack.IPv4, NetworkUsage.Empty, []));
        Assert.Equal(IPNetwork.Parse("172.16.0.0/16"),
            FreeRangeSearch.FirstFree([IPNetwork.Parse("10.0.0.0/24"), IPNetwork.Parse("172.16.0.0/12")], 16, NetworkStack.IPv4, NetworkUsage.Empty, []));
    }

    [Fact]
    public void The_walk_passes_a_packed_network_of_fifty_thousand_ranges_to_its_one_gap()
    {
        // The benchmark's crowded network: /26s side by side from 10.0.0.0 with one free slot in the middle.
        const int slots = 50_000, gap = 25_000;
        var ranges = Enumerable.Range(0, slots).Where(i => i != gap)
            .Select(i => new UsedRange(new IPNetwork(AddressInterval.Address((10u << 24) + (uint)i * 64, NetworkStack.IPv4), 26), $"c-{i}", "containers"));
        var usage = new NetworkUsage(ranges);
        Assert.Equal(new IPNetwork(AddressInterval.Address((10u << 24) + gap * 64u, NetworkStack.IPv4), 26),
            FreeRangeSearch.FirstFree([IPNetwork.Parse("10.0.0.0/8")], 26, NetworkStack.IPv4, usage, []));
        Assert.Equal(new IPNetwork(AddressInterval.Address((10u << 24) + slots * 64u, NetworkStack.IPv4), 23), // past the packed part, aligned
            FreeRangeSearch.FirstFree([IPNetwork.Parse("10.0.0.0/8")], 23, NetworkStack.IPv4, usage, []));
    }
}
