using System.Net;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Core.Tests.Addresses;

/// <summary>The planner as the wizard, the API and a spec file use it: drafts, the registry, duplicates.</summary>
public sealed class RangeSuggesterTests
{
    private static RangeSuggester Planner(IClusterRegistry registry) => new(ProviderMatrix.Seed, registry, new PlanningOptions());

    private static FakeClusterRegistry Rack(params (string Name, string Containers, string Services)[] clusters) =>
        new(clusters.Select(c => ("BareOS", FakeClusterRegistry.Cluster(c.Name, "rack-1", c.Containers, c.Services))).ToArray());

    [Fact]
    public async Task A_suggested_containers_range_passes_every_rule_on_a_crowded_network()
    {
        var registry = Rack(("a", "10.0.0.0/16", "10.1.0.0/20"), ("b", "10.1.16.0/20", "10.2.0.0/15"));
        var draft = TestDrafts.Valid(d => d.PlannedNodes = "64");
        var suggestion = await Planner(registry).SuggestAsync(draft, RangeKind.Containers, NetworkStack.IPv4);
        Assert.Equal("10.1.32.0/19", suggestion.Cidr?.ToString()); // the first aligned /19 clear of a, b and the draft's services 10.21.0.0/16
        draft.ContainersCidr = suggestion.Cidr!.Value.ToString();
        Assert.True((await draft.CheckAsync(registry)).IsValid);
    }

    [Fact]
    public async Task Services_avoid_the_draft_s_containers_and_node_network()
    {
        var draft = TestDrafts.Valid(d => d.ContainersCidr = "10.0.0.0/20", d => d.NodeNetworks = "10.0.16.0/20");
        var suggestion = await Planner(EmptyClusterRegistry.Instance).SuggestAsync(draft, RangeKind.Services, NetworkStack.IPv4);
        Assert.Equal("10.0.32.0/20", suggestion.Cidr?.ToString());
    }

    [Fact]
    public async Task A_cluster_registered_after_the_usage_was_read_is_never_suggested()
    {
        // The usage (a cache) knows nothing; the exact overlap query knows the cluster: the planner asks it before answering.
        var registry = new StaleRegistry(Rack(("fresh", "10.0.0.0/23", "10.0.2.0/23")));
        var suggestion = await Planner(registry).SuggestAsync(TestDrafts.Valid(), RangeKind.Containers, NetworkStack.IPv4);
        Assert.Equal("10.0.4.0/23", suggestion.Cidr?.ToString());
    }

    [Fact]
    public async Task Without_a_network_or_valid_plan_it_says_what_to_enter_first()
    {
        var planner = Planner(EmptyClusterRegistry.Instance);
        Assert.StartsWith("Enter the L2 network name first", (await planner.SuggestAsync(TestDrafts.Valid(d => d.L2Network = ""), RangeKind.Containers, NetworkStack.IPv4)).Reason);
        Assert.StartsWith("Enter the planned nodes", (await planner.SuggestAsync(TestDrafts.Valid(d => d.PlannedNodes = "many"), RangeKind.Containers, NetworkStack.IPv4)).Reason);
        Assert.StartsWith("Enter a valid block size (21–31)", (await planner.SuggestAsync(TestDrafts.Valid(d => d.BlockSize = "40"), RangeKind.Containers, NetworkStack.IPv4)).Reason);
    }

    [Fact]
    public async Task Suggest_words_in_a_dual_stack_spec_resolve_to_four_ranges_that_pass_every_rule()
    {
        var draft = TestDrafts.Valid(d => d.ChangeNetworkStack(NetworkStack.DualStack), d => d.ChangeOverlay(Overlay.Vxlan));
        foreach (var field in new[] { nameof(ClusterDraft.ContainersCidr), nameof(ClusterDraft.ServicesCidr), nameof(ClusterDraft.ContainersCidrV6), nameof(ClusterDraft.ServicesCidrV6) })
            DraftFields.Set(draft, field, "suggest");
        var registry = Rack(("a", "10.0.0.0/16", "10.1.0.0/16"));
        var resolved = await Planner(registry).ResolveAsync(draft);
        Assert.Equal(4, resolved.Count);
        Assert.All(resolved, r => Assert.True(r.Suggestion.Found, r.Suggestion.Reason));
        Assert.Equal("10.2.0.0/23", draft.ContainersCidr);
        Assert.Equal("10.2.16.0/20", draft.ServicesCidr);
        Assert.Equal("fd00::/119", draft.ContainersCidrV6);   // 3 nodes × 64 (block 122) × 2 = 384 → 512 = 2^9
        Assert.Equal("fd00::1:0/112", draft.ServicesCidrV6);
        var check = await draft.CheckAsync(registry);
        Assert.True(check.IsValid, string.Join("; ", check.Errors.Select(e => e.ErrorMessage)));
    }

    [Fact]
    public async Task Suggest_left_in_a_field_is_named_by_the_rules_with_the_fix()
    {
        var check = await TestDrafts.Valid(d => d.ContainersCidr = "suggest").CheckAsync();
        Assert.StartsWith("'suggest' is replaced by a free range when a spec is submitted: press Suggest", check.FirstErrorFor(nameof(ClusterDraft.ContainersCidr)));
    }

    [Theory]
    [InlineData("edge-01", "edge-02")]
    [InlineData("edge-09", "edge-10")]
    [InlineData("edge-99", "edge-100")]
    [InlineData("edge", "edge-2")]
    [InlineData("db7", "db8")]
    public void The_next_name_keeps_the_number_s_width(string name, string next) =>
        Assert.Equal(next, Duplicates.NameCandidates(name).First());

    [Fact]
    public void A_next_name_never_outgrows_a_dns_label()
    {
        var name = new string('a', 61) + "99";
        var next = Duplicates.NameCandidates(name).First();
        Assert.Equal(63, next.Length);
        Assert.EndsWith("100", next);
        Assert.Null(HostName.CheckDns1123Label(next, "name"));
    }

    [Fact]
    public async Task A_duplicate_has_the_same_settings_the_next_free_name_and_free_ranges_of_the_same_sizes()
    {
        var source = TestDrafts.Valid(d => d.Name = "edge-01", d => d.ContainersCidr = "10.20.0.0/16", d => d.ServicesCidr = "10.21.0.0/20",
            d => d.ChangeEncapsulationMode(EncapsulationMode.CrossSubnet), d => d.BlockSize = "24", d => d.NetworkPolicies = [Core.Policies.PolicyStarters.All[0].Yaml]);
        var spec = (await source.CheckAsync()).Spec!;
        var registry = new FakeClusterRegistry(
            ("BareOS", FakeClusterRegistry.Cluster("edge-01", "rack-1", "10.20.0.0/16", "10.21.0.0/20", source.Id)),
            ("BareOS", FakeClusterRegistry.Cluster("edge-02", "rack-1", "10.0.0.0/16", "10.1.0.0/20")));
        var id = Guid.NewGuid();
        var (copy, suggested) = await Duplicates.CreateAsync(spec, id, "dry-run", registry, Planner(registry));
        Assert.Equal(id, copy.Id);
        Assert.Equal("edge-03", copy.Name);               // edge-02 is taken
        Assert.Equal("dry-run", copy.Target);
        Assert.Equal(EncapsulationMode.CrossSubnet, copy.EncapsulationMode);
        Assert.Equal("24", copy.BlockSize);
        Assert.Equal(source.NetworkPolicies.Count, copy.NetworkPolicies.Count);
        Assert.Equal("10.2.0.0/16", copy.ContainersCidr);    // the first free /16 after 10.0/16, 10.1.0.0/20 (10.1/16 is partly held)
        Assert.Equal("10.1.16.0/20", copy.ServicesCidr);
        Assert.All(suggested, s => Assert.Contains("the size of edge-01's", s.Suggestion.Reason));
        Assert.True((await copy.CheckAsync(registry)).IsValid);
    }

    /// <summary>A registry whose cached usage is empty (as if read before the cluster was submitted) but whose exact queries are current.</summary>
    private sealed class StaleRegistry(FakeClusterRegistry current) : IClusterRegistry
    {
        public Task<NetworkUsage> UsageAsync(string provider, string l2Network, CancellationToken cancellationToken = default) => Task.FromResult(NetworkUsage.Empty);
        public Task<IReadOnlyList<RegisteredCluster>> OnNetworkAsync(string provider, string l2Network, CancellationToken cancellationToken = default) => current.OnNetworkAsync(provider, l2Network, cancellationToken);
        public Task<RegisteredCluster?> FindByNameAsync(string name, CancellationToken cancellationToken = default) => current.FindByNameAsync(name, cancellationToken);
    }
}
