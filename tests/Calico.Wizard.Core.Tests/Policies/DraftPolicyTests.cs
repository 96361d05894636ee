using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Policies;
using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Core.Rules;
using FluentValidation.Results;

namespace Calico.Wizard.Core.Tests.Policies;

/// <summary>Policies through the whole draft: the rules, the spec, and what is rendered to apply.</summary>
public sealed class DraftPolicyTests
{
    private static string Describe(IEnumerable<ValidationFailure> failures) =>
        string.Join(" | ", failures.Select(f => $"{f.Severity} {f.PropertyName}: {f.ErrorMessage}"));

    [Fact]
    public async Task A_draft_with_the_seed_example_is_valid_its_spec_holds_the_text_the_rules_read_and_its_manifest_the_canonical_yaml()
    {
        var check = await TestDrafts.Valid(d => d.NetworkPolicies = [PolicyStarters.SeedExample]).CheckAsync();

        Assert.True(check.IsValid, Describe(check.Errors));
        Assert.Empty(check.WarningsFor(WizardStep.Policies));
        // the spec keeps exactly what the rules accepted, so the provisioner's own check of it reads the same text
        Assert.Equal(PolicyStarters.SeedExample, Assert.Single(check.Spec!.NetworkPolicies!));
        var rendered = ManifestRenderer.Render(check.Spec)[1];
        Assert.Equal(PolicyText.ToYaml(PolicyKit.Parse(PolicyStarters.SeedExample)).TrimEnd('\n'), ManifestRenderer.ToYaml([rendered]).TrimEnd('\n'));
    }

    [Fact]
    public async Task A_draft_without_policies_has_none_in_its_spec_and_renders_only_the_installation()
    {
        var check = await TestDrafts.Valid().CheckAsync();

        Assert.Null(check.Spec!.NetworkPolicies);
        var rendered = Assert.Single(ManifestRenderer.Render(check.Spec));
        Assert.Equal("Installation/default", rendered.Key);
    }

    [Fact]
    public async Task Policies_are_rendered_after_the_installation_in_their_order()
    {
        var check = await TestDrafts.Valid(d => d.NetworkPolicies = [PolicyStarters.SeedExample, PolicyStarters.DefaultDenyIngress]).CheckAsync();
        Assert.True(check.IsValid, Describe(check.Errors));

        var rendered = ManifestRenderer.Render(check.Spec!);

        Assert.Equal(
            ["Installation/default", "NetworkPolicy/default/test-network-policy", "NetworkPolicy/default/default-deny-ingress"],
            rendered.Select(o => o.Key));
        Assert.Equal(("networking.k8s.io/v1", "NetworkPolicy"), (rendered[1].ApiVersion, rendered[1].Kind));
        Assert.Equal("operator.tigera.io/v1", rendered[0].ApiVersion);
    }

    [Fact]
    public async Task The_rendered_yaml_holds_the_installation_then_the_policy_as_two_documents()
    {
        var check = await TestDrafts.Valid(d => d.NetworkPolicies = [PolicyStarters.SeedExample]).CheckAsync();

        var yaml = ManifestRenderer.ToYaml(check.Spec!);

        var documents = yaml.Split("---\n");
        Assert.Equal(2, documents.Length);
        Assert.Contains("kind: Installation\n", documents[0], StringComparison.Ordinal);
        Assert.Equal(PolicyKit.Canonical(PolicyStarters.SeedExample), PolicyKit.Canonical(documents[1]));
        Assert.Equal(PolicyKit.Json(PolicyKit.Parse(PolicyStarters.SeedExample)), PolicyKit.Json(PolicyKit.Parse(documents[1])));
    }

    [Fact]
    public async Task Policies_are_rendered_after_the_flannel_config_map_too()
    {
        var draft = TestDrafts.Valid(d => d.Provider = "Azure", d => d.L2Network = "prod-vnet", d => d.Backend = NetworkBackend.Flannel,
            d => d.NetworkPolicies = [PolicyStarters.AllowSameNamespace]);
        var check = await draft.CheckAsync();
        Assert.True(check.IsValid, Describe(check.Errors));

        Assert.Equal(
            [$"ConfigMap/{ManifestRenderer.FlannelNamespace}/{ManifestRenderer.FlannelConfigMap}", "NetworkPolicy/default/allow-same-namespace"],
            ManifestRenderer.Render(check.Spec!).Select(o => o.Key));
    }

    [Fact]
    public async Task An_invalid_policy_makes_the_draft_invalid_with_the_error_on_that_policy()
    {
        var bad = PolicyStarters.SeedExample.Replace("port: 6379", "port: 0", StringComparison.Ordinal);
        var check = await TestDrafts.Valid(d => d.NetworkPolicies = [PolicyStarters.DefaultDenyIngress, bad]).CheckAsync();

        Assert.False(check.IsValid);
        Assert.Null(check.Spec);
        var error = Assert.Single(check.Errors);
        Assert.Equal("NetworkPolicies[1]", error.PropertyName);
        Assert.Equal("spec.ingress[0].ports[0].port: 0 is out of range: ports are 1–65535.", error.ErrorMessage);
        Assert.False(check.StepIsValid(WizardStep.Policies));
        Assert.True(check.StepIsValid(WizardStep.Network));
        Assert.True(check.StepIsValid(WizardStep.Cluster));
        Assert.Equal(WizardStep.Policies, DraftFields.StepOf(error.PropertyName));
    }

    [Fact]
    public async Task Unparsable_yaml_makes_the_draft_invalid_with_its_line()
    {
        var check = await TestDrafts.Valid(d => d.NetworkPolicies = ["apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\nspec:\n  podSelectr: {}\n"]).CheckAsync();

        var error = Assert.Single(check.Errors);
        Assert.Equal("NetworkPolicies[0]", error.PropertyName);
        Assert.StartsWith("YAML error on line 6,", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: default\nspec:\n  podSelector: {matchLabels: {role: db}\n  policyTypes: [Ingress]\n", "YAML error on line 8,")]
    [InlineData("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: default\nspec:\n  podSelector: {}\n  ingress:\n  -\n", "spec.ingress[0]: This rule is empty")]
    [InlineData("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: default\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    -\n", "spec.ingress[0].from[0]: This peer is empty")]
    [InlineData("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: default\nspec:\n  podSelector: {}\n  ingress:\n  - ports:\n    -\n", "spec.ingress[0].ports[0]: This port is empty")]
    public async Task Half_typed_yaml_is_an_error_on_the_policy_not_an_exception(string yaml, string expected)
    {
        // The YAML box is checked as the operator types (debounced): every intermediate text must come back as a finding.
        var check = await TestDrafts.Valid(d => d.NetworkPolicies = [yaml]).CheckAsync();

        var error = Assert.Single(check.Errors);
        Assert.Equal("NetworkPolicies[0]", error.PropertyName);
        Assert.StartsWith(expected, error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_policy_box_makes_the_draft_invalid()
    {
        var check = await TestDrafts.Valid(d => d.NetworkPolicies = [""]).CheckAsync();

        var error = Assert.Single(check.Errors);
        Assert.Equal("NetworkPolicies[0]", error.PropertyName);
        Assert.Contains("empty", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_seed_example_on_an_IPv6_draft_is_valid_with_a_warning_on_each_IPv4_block()
    {
        var check = await TestDrafts.ValidIPv6(d => d.NetworkPolicies = [PolicyStarters.SeedExample]).CheckAsync();

        Assert.True(check.IsValid, string.Join(" ", check.Errors.Select(e => e.ErrorMessage)));
        var warnings = check.Warnings.Where(w => w.PropertyName == "NetworkPolicies[0]" && w.ErrorMessage.Contains("matches no traffic here", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Contains("is IPv4 but the cluster is IPv6 only", w.ErrorMessage, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Egress_to_both_default_routes_is_one_valid_policy_on_an_IPv4_cluster_with_a_warning_for_the_IPv6_one()
    {
        const string everywhere = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: egress-anywhere
              namespace: default
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
              - to:
                - ipBlock: {cidr: 0.0.0.0/0}
                - ipBlock: {cidr: '::/0'}

            """;
        var check = await TestDrafts.Valid(d => d.NetworkPolicies = [everywhere]).CheckAsync();

        Assert.True(check.IsValid, string.Join(" ", check.Errors.Select(e => e.ErrorMessage)));
        var warning = Assert.Single(check.Warnings, w => w.ErrorMessage.Contains("matches no traffic here", StringComparison.Ordinal));
        Assert.Contains("default/egress-anywhere: ::/0 is IPv6 but the cluster is IPv4 only", warning.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_namespace_and_name_twice_is_refused_on_the_second()
    {
        var renamedOnly = PolicyStarters.AllowSameNamespace.Replace("allow-same-namespace", "test-network-policy", StringComparison.Ordinal);
        var check = await TestDrafts.Valid(d => d.NetworkPolicies = [PolicyStarters.SeedExample, PolicyStarters.DefaultDenyIngress, renamedOnly]).CheckAsync();

        Assert.False(check.IsValid);
        var error = Assert.Single(check.Errors);
        Assert.Equal("NetworkPolicies[2]", error.PropertyName);
        Assert.Contains("default/test-network-policy is defined twice (also policy 1)", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("give one another name or namespace", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_name_in_another_namespace_is_fine()
    {
        var elsewhere = PolicyStarters.SeedExample.Replace("namespace: default", "namespace: shop", StringComparison.Ordinal);

        var check = await TestDrafts.Valid(d => d.NetworkPolicies = [PolicyStarters.SeedExample, elsewhere]).CheckAsync();

        Assert.True(check.IsValid, Describe(check.Errors));
        Assert.Equal(
            ["Installation/default", "NetworkPolicy/default/test-network-policy", "NetworkPolicy/shop/test-network-policy"],
            ManifestRenderer.Render(check.Spec!).Select(o => o.Key));
    }

    [Fact]
    public async Task Default_deny_warns_what_it_selects_and_denies_but_the_draft_stays_valid()
    {
        var check = await TestDrafts.Valid(d => d.NetworkPolicies = [PolicyStarters.DefaultDenyIngress]).CheckAsync();

        Assert.True(check.IsValid, Describe(check.Errors));
        Assert.NotNull(check.Spec);
        var warnings = check.WarningsFor(WizardStep.Policies).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Equal("NetworkPolicies[0]", w.PropertyName));
        Assert.All(warnings, w => Assert.StartsWith("default/default-deny-ingress: ", w.ErrorMessage, StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.ErrorMessage.Contains("Selects every pod", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.ErrorMessage.Contains("Denies all ingress", StringComparison.Ordinal));
        Assert.True(check.StepIsValid(WizardStep.Policies));
    }

    [Fact]
    public async Task Every_starter_together_makes_a_valid_draft()
    {
        var check = await TestDrafts.Valid(d => d.NetworkPolicies = [.. PolicyStarters.All.Select(s => s.Yaml)]).CheckAsync();

        Assert.True(check.IsValid, Describe(check.Errors));
        Assert.Equal(3, check.Spec!.NetworkPolicies!.Count);
        Assert.Equal(4, ManifestRenderer.Render(check.Spec).Count);
    }

    [Fact]
    public async Task A_hand_edited_policy_is_applied_canonical()
    {
        var messy = "# ours\nkind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {namespace: default, name: db}\nspec:\n  policyTypes: [Ingress]\n  podSelector: {matchLabels: {role: db}}\n  ingress: [{ports: [{port: '5432', protocol: TCP}]}]\n";

        var check = await TestDrafts.Valid(d => d.NetworkPolicies = [messy]).CheckAsync();

        Assert.True(check.IsValid, Describe(check.Errors));
        Assert.Equal(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: db
              namespace: default
            spec:
              ingress:
              - ports:
                - port: 5432
                  protocol: TCP
              podSelector:
                matchLabels:
                  role: db
              policyTypes:
              - Ingress
            """,
            ManifestRenderer.ToYaml([ManifestRenderer.Render(check.Spec!)[1]]).TrimEnd('\n'));
        Assert.Equal(messy, Assert.Single(check.Spec!.NetworkPolicies!)); // the spec: what the operator wrote and the rules read
    }
}
