using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Input;
using Calico.Wizard.Core.Policies;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Core.Tests.Localization;
using FluentValidation.Results;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Core.Tests.Rules;

/// <summary>
/// Volume (issue 27): what a draft at the caps may cost is bounded — a policy's nodes before it is read, its findings
/// before they are listed — and what the server has judged once is not judged again for the same content.
/// </summary>
public sealed class VolumeTests
{
    private static string Policy(int errors) => HostileDrafts.InvalidValuesPolicy(0, errors);

    [Fact]
    public async Task The_amplification_draft_gets_one_message_per_policy_naming_the_node_limit()
    {
        var check = await HostileDrafts.Amplification().CheckAsync();

        Assert.Equal(InputLimits.MaxPolicies, check.Errors.Count());
        Assert.All(check.Errors, e => Assert.StartsWith($"The policy holds more than {InputLimits.MaxPolicyNodes:N0} YAML nodes (line ", e.ErrorMessage, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_policy_with_thousands_of_invalid_values_shows_a_few_and_counts_the_rest()
    {
        var check = await TestDrafts.Valid(d => d.NetworkPolicies.Add(Policy(5_000))).CheckAsync();

        var messages = check.ErrorsFor("NetworkPolicies[0]");
        Assert.Equal(ClusterRules.MaxErrorsPerField + 1, messages.Count);
        Assert.All(messages.Take(ClusterRules.MaxErrorsPerField), m => Assert.Contains("Label value '-x' (of tier) is not valid", m, StringComparison.Ordinal));
        Assert.Equal($"… and {5_000 - ClusterRules.MaxErrorsPerField:N0} more (fix these first: the rest are shown then).", messages[^1]);
    }

    [Fact]
    public void Bounding_what_was_bounded_before_adds_the_counts_up()
    {
        ValidationFailure Error(string p, int i) => new(p, $"error {i}");
        var once = ClusterRules.Bounded([.. Enumerable.Range(0, 10).Select(i => Error("Name", i))]);
        var twice = ClusterRules.Bounded([.. once, Error("Name", 10), Error("Mtu", 0)]);

        Assert.Equal(["error 0", "error 1", "error 2", "error 3", "error 0", "… and 7 more (fix these first: the rest are shown then)."],
            twice.Select(f => f.ErrorMessage));
        Assert.Equal(["Name", "Name", "Name", "Name", "Mtu", "Name"], twice.Select(f => f.PropertyName));
    }

    [Fact]
    public async Task A_policy_of_more_nodes_than_the_limit_is_refused_before_it_is_read()
    {
        var check = await TestDrafts.Valid(d => d.NetworkPolicies.Add(Policy(InputLimits.MaxPolicyNodes + 1))).CheckAsync();

        var message = Assert.Single(check.ErrorsFor("NetworkPolicies[0]"));
        Assert.StartsWith($"The policy holds more than {InputLimits.MaxPolicyNodes:N0} YAML nodes", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_judges_a_drafts_content_once_but_asks_the_registry_every_time()
    {
        var registry = new GrowingRegistry();
        var rules = new ClusterRules(ProviderMatrix.Seed, registry);
        var draft = TestDrafts.Valid(d => d.NetworkPolicies.Add(PolicyStarters.SeedExample));

        var first = await rules.CheckAsync(draft);
        var again = await rules.CheckAsync(draft.Clone());
        Assert.True(first.IsValid);
        Assert.Same(first.Spec, again.Spec); // the content's verdict, spec and manifests kept, not computed again
        Assert.Same(first.Manifest.Yaml, again.Manifest.Yaml);

        var changed = await rules.CheckAsync(draft.Clone().With(d => d.Mtu = "1400"));
        Assert.NotSame(first.Spec, changed.Spec);
        Assert.Equal(1400, changed.Spec!.Calico!.Mtu);

        // another cluster takes the range: the same content is refused now, naming it
        registry.Add(FakeClusterRegistry.Cluster("later", draft.L2Network, draft.ContainersCidr, "10.99.0.0/16"));
        var afterwards = await rules.CheckAsync(draft.Clone());
        Assert.Contains("Overlaps cluster 'later'", afterwards.FirstErrorFor(nameof(ClusterDraft.ContainersCidr)), StringComparison.Ordinal);
        Assert.Equal(4, registry.NameLookups); // every one of the four checks asked the registry, kept content or not
    }

    [Theory]
    [InlineData("kind: [NetworkPolicy")]                       // a flow never closed: the scanner's own exception
    [InlineData("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nspec: {podSelector: [a]}")]
    public async Task A_spec_whose_policy_cannot_be_written_out_is_a_problem_to_show_not_an_exception(string stored)
    {
        // a spec read from the store (written by another release, or by hand) is not checked again before Review draws it
        var spec = (await TestDrafts.Valid(d => d.NetworkPolicies.Add(PolicyStarters.SeedExample)).CheckAsync()).Spec!;

        var (yaml, problem) = Core.Rendering.ManifestRenderer.RenderReadable(spec with { NetworkPolicies = [stored] });

        Assert.Null(yaml);
        Assert.StartsWith("The manifests this draft makes cannot be read back as the provisioner reads them (", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kept_verdict_is_never_served_in_another_language()
    {
        var rules = new ClusterRules(ProviderMatrix.Seed, EmptyClusterRegistry.Instance);
        var draft = TestDrafts.Valid(d => d.Mtu = "99999");

        var english = await Cultures.InAsync(Cultures.English, () => rules.CheckAsync(draft));
        var german = await Cultures.InAsync(Cultures.German, () => rules.CheckAsync(draft));

        Assert.NotEqual(english.FirstErrorFor(nameof(ClusterDraft.Mtu)), german.FirstErrorFor(nameof(ClusterDraft.Mtu)));
        Assert.Equal(german.FirstErrorFor(nameof(ClusterDraft.Mtu)),
            (await Cultures.InAsync(Cultures.German, () => new ClusterRules(ProviderMatrix.Seed, EmptyClusterRegistry.Instance).CheckAsync(draft))).FirstErrorFor(nameof(ClusterDraft.Mtu)));
    }

    [Fact]
    public async Task The_wizards_memo_reads_each_policy_text_once_and_keeps_only_the_current_ones()
    {
        var rules = new ClusterRules(ProviderMatrix.Seed, EmptyClusterRegistry.Instance);
        var memo = new PolicyMemo();
        var draft = HostileDrafts.EightPolicies();

        var plain = await rules.CheckAsync(draft.Clone(), null, null);
        var memoized = await rules.CheckAsync(draft.Clone(), null, memo);
        Assert.Equal(plain.Failures.Select(f => f.ErrorMessage), memoized.Failures.Select(f => f.ErrorMessage));
        var readings = draft.NetworkPolicies.Select(memo.Read).ToArray();

        draft.NetworkPolicies[3] = draft.NetworkPolicies[3].Replace("port: 7,", "port: 8,", StringComparison.Ordinal);
        await rules.CheckAsync(draft.Clone(), null, memo);
        memo.Retain(draft);

        Assert.Equal(8, memo.Count); // the old text of policy 3 is let go
        for (var i = 0; i < 8; i++)
            if (i == 3) Assert.NotSame(readings[i], memo.Read(draft.NetworkPolicies[i]));
            else Assert.Same(readings[i], memo.Read(draft.NetworkPolicies[i])); // the seven others were not read again
    }

    /// <summary>A registry that counts name lookups (one per check) and takes clusters as the test goes.</summary>
    private sealed class GrowingRegistry : IClusterRegistry
    {
        private readonly List<RegisteredCluster> clusters = [];
        public int NameLookups { get; private set; }

        public void Add(RegisteredCluster cluster) => clusters.Add(cluster);

        public Task<IReadOnlyList<RegisteredCluster>> OnNetworkAsync(string provider, string l2Network, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<RegisteredCluster>>(clusters.Where(c => string.Equals(c.L2Network, l2Network, StringComparison.OrdinalIgnoreCase)).ToArray());

        public Task<RegisteredCluster?> FindByNameAsync(string name, CancellationToken cancellationToken = default)
        {
            NameLookups++;
            return Task.FromResult(clusters.FirstOrDefault(c => c.Name == name));
        }
    }
}
