using System.Text;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Input;
using Calico.Wizard.Core.Policies;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;

namespace Calico.Wizard.Core.Tests.Input;

/// <summary>
/// The core's half of the hostile-input suite (issue "Hardening"): every case is refused with a message that says
/// what to do, before anything expands, parses or echoes it.
/// </summary>
public sealed class HostileInputTests
{
    private const string Policies = nameof(ClusterDraft.NetworkPolicies);

    [Theory]
    [InlineData(4)]
    [InlineData(7)]
    public async Task An_alias_bomb_in_a_policy_is_refused_naming_the_line_of_its_first_alias(int levels)
    {
        var bomb = HostileYaml.AliasBomb(levels);

        var check = await TestDrafts.Valid(d => d.NetworkPolicies = [bomb]).CheckAsync();

        var error = Assert.Single(check.Errors, e => e.PropertyName == $"{Policies}[0]").ErrorMessage;
        Assert.StartsWith("YAML anchors are not accepted (&l0 on line 9)", error);
        Assert.Null(check.Spec);
    }

    [Fact]
    public void An_alias_without_an_anchor_of_ours_is_refused_too()
    {
        Assert.StartsWith("YAML aliases are not accepted (*x on line 1)", BoundedYaml.Check("a: *x\n", 1024, "policy"));
    }

    [Fact]
    public void A_spec_file_or_prefill_with_aliases_is_refused_before_it_is_read()
    {
        var (spec, error) = DraftFile.Read("name: &n edge-01\nl2Network: *n\n");

        Assert.Null(spec);
        Assert.StartsWith("YAML anchors are not accepted (&n on line 1)", error);
    }

    [Fact]
    public void A_document_nested_deeper_than_any_manifest_is_refused()
    {
        var deep = new string('[', InputLimits.MaxDepth + 1) + new string(']', InputLimits.MaxDepth + 1);

        Assert.Contains($"nested more than {InputLimits.MaxDepth} levels", BoundedYaml.Check(deep, 1024, "spec"));
        Assert.Null(BoundedYaml.Check(new string('[', InputLimits.MaxDepth) + new string(']', InputLimits.MaxDepth), 1024, "spec"));
    }

    [Fact]
    public async Task A_policy_larger_than_64_KB_is_refused_by_its_size()
    {
        var big = PolicyStarters.DefaultDenyIngress.Replace("metadata:\n", $"metadata:\n  annotations:\n    note: \"{new string('x', 200 * 1024)}\"\n");

        var check = await TestDrafts.Valid(d => d.NetworkPolicies = [big]).CheckAsync();

        Assert.Equal("The policy is larger than 64 KB: split it or shorten it.", Assert.Single(check.Errors).ErrorMessage);
    }

    [Fact]
    public async Task More_than_50_policies_are_refused_once_without_reading_any()
    {
        var check = await TestDrafts.Valid(d => d.NetworkPolicies = Enumerable.Repeat("not: [yaml", 51).ToList()).CheckAsync();

        var error = Assert.Single(check.Errors);
        Assert.Equal(Policies, error.PropertyName);
        Assert.Equal("At most 50 network policies per cluster (this has 51): apply the rest after the cluster is up.", error.ErrorMessage);
    }

    [Fact]
    public async Task A_missing_policy_list_is_a_message_not_a_crash()
    {
        var check = await TestDrafts.Valid(d => d.NetworkPolicies = null!).CheckAsync();

        Assert.Equal("Must be a list of policies (empty for none).", Assert.Single(check.Errors).ErrorMessage);
    }

    [Fact]
    public async Task More_than_16_skip_interface_patterns_are_refused()
    {
        var patterns = string.Join(",", Enumerable.Range(0, 17).Select(i => $"eth{i}"));

        var check = await TestDrafts.Valid(d => d.NodeAddressDetection = NodeAddressDetection.SkipInterface, d => d.NodeAddressDetectionValue = patterns).CheckAsync();

        Assert.Contains("At most 16 patterns (this list has 17)", Assert.Single(check.Errors).ErrorMessage);
        Assert.Null(NodeAddressDetectionRule.MatchingSamples(NodeAddressDetection.SkipInterface, patterns));
    }

    [Theory]
    [InlineData(nameof(ClusterDraft.Name), 254)]
    [InlineData(nameof(ClusterDraft.L2Network), 1024 * 1024)]
    [InlineData(nameof(ClusterDraft.ContainersCidr), 65)]
    [InlineData(nameof(ClusterDraft.Mtu), 65)]
    public async Task A_text_field_over_its_bound_is_refused_without_being_echoed(string field, int length)
    {
        var draft = TestDrafts.Valid();
        typeof(ClusterDraft).GetProperty(field)!.SetValue(draft, new string('7', length));

        var check = await draft.CheckAsync();

        var error = Assert.Single(check.Errors);
        Assert.Equal(field, error.PropertyName);
        Assert.Contains("characters (this has", error.ErrorMessage);
        Assert.True(error.ErrorMessage.Length < 200, error.ErrorMessage);
    }

    public static TheoryData<string, string> MetadataRejects() => new()
    {
        { "labels: {\"bad key!\": x}", "Label key 'bad key!' is not valid" },
        { "labels: {app: \"a b <script>\"}", "Label value 'a b <script>' (of app) is not valid" },
        { "uid: 0b6e0f6c-0000-4000-8000-000000000000", "metadata.uid: Written by the API server" },
        { "resourceVersion: \"42\"", "metadata.resourceVersion: Written by the API server" },
        { "generation: 3", "metadata.generation: Written by the API server" },
        { "creationTimestamp: \"2026-01-01T00:00:00Z\"", "metadata.creationTimestamp: Written by the API server" },
        { "deletionTimestamp: \"2026-01-01T00:00:00Z\"", "metadata.deletionTimestamp: Written by the API server" },
        { "managedFields: [{manager: x}]", "metadata.managedFields: Written by the API server" },
        { "ownerReferences: [{apiVersion: v1, kind: Pod, name: p, uid: u}]", "metadata.ownerReferences: Written by the API server" },
        { "finalizers: [example.com/keep]", "metadata.finalizers: Written by the API server" },
        { "generateName: np-", "metadata.generateName: Written by the API server" },
    };

    [Theory]
    [MemberData(nameof(MetadataRejects))]
    public async Task Policy_metadata_is_checked_as_Kubernetes_checks_it(string metadataLine, string fragment)
    {
        var yaml = PolicyStarters.DefaultDenyIngress.Replace("metadata:\n", $"metadata:\n  {metadataLine}\n");

        var check = await TestDrafts.Valid(d => d.NetworkPolicies = [yaml]).CheckAsync();

        Assert.Contains(check.Errors, e => e.PropertyName == $"{Policies}[0]" && e.ErrorMessage.Contains(fragment, StringComparison.Ordinal));
    }

    [Fact]
    public void A_provider_matrix_network_name_bound_holds_in_the_matrix_too()
    {
        var bareOs = ProviderMatrix.Seed.Find("BareOS")!;
        Assert.False(ProviderMatrix.Seed.IsNetworkName(bareOs, new string('a', ProviderMatrix.MaxNetworkLength + 1)));
    }

    public static TheoryData<string> TextFields => [.. typeof(ClusterDraft).GetProperties().Where(p => p.PropertyType == typeof(string) && p.CanWrite).Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(TextFields))]
    public async Task A_text_field_sent_as_null_reads_as_empty_and_no_rule_or_review_row_throws(string field)
    {
        var draft = TestDrafts.Valid(d => d.ChangeNetworkStack(NetworkStack.DualStack), d => d.AdvancedOpen = true);
        var property = typeof(ClusterDraft).GetProperty(field)!;
        property.SetValue(draft, null); // what JSON's null makes of it (the API, a stored draft)
        Assert.Equal("", property.GetValue(draft));

        var check = await draft.CheckAsync();
        var shown = DraftFields.All.Select(f => f.Show?.Invoke(draft)).ToList(); // Review renders every row
        var differences = DraftFields.Differences(draft, TestDrafts.Valid());

        Assert.NotNull(shown);
        Assert.NotNull(differences);
        Assert.All(check.Errors, e => Assert.Equal(field, e.PropertyName));
    }
}

