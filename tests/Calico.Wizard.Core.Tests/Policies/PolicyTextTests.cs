using Calico.Wizard.Core.Policies;

namespace Calico.Wizard.Core.Tests.Policies;

/// <summary>What the YAML box refuses before any rule runs, and where it says the problem is.</summary>
public sealed class PolicyTextTests
{
    private const string Head = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n";

    internal static readonly Dictionary<string, (string? Yaml, string[] Fragments)> BadTexts = new() // also run in German (Localization)
    {
        ["empty"] = ("", ["The policy is empty", "start from an example"]),
        ["only spaces and newlines"] = ("  \n\n \n", ["The policy is empty"]),
        ["null"] = (null, ["The policy is empty"]),
        ["a key indented deeper than its siblings (line 5)"] = (
            Head + "metadata:\n  name: p\n   namespace: default\nspec:\n  podSelector: {}\n",
            ["YAML error on line 5,"]),
        ["a key indented less than its siblings (line 7)"] = (
            Head + "metadata:\n  name: p\nspec:\n  podSelector: {}\n policyTypes:\n  - Ingress\n",
            ["YAML error on line 7,", "did not find expected key"]),
        ["a flow mapping left open on line 6 (found on line 7)"] = (
            Head + "metadata:\n  name: p\nspec:\n  podSelector: {matchLabels: {role: db}\n  policyTypes: [Ingress]\n",
            ["YAML error on line 7,", "a { or [ opened before this point is not closed: close it with } or ]"]),
        ["a tab as indentation (line 6)"] = (
            Head + "metadata:\n  name: p\nspec:\n\tpodSelector: {}\n",
            ["YAML error on line 6,", "tab", "Indent with spaces only"]),
        ["a tab inside a port's indentation (line 10)"] = (
            Head + "metadata:\n  name: p\nspec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - port: 80\n    \tprotocol: TCP\n",
            ["YAML error on line 10,", "tab"]),
        ["a blank line of tabs inside a port (line 10)"] = (
            Head + "metadata:\n  name: p\nspec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - port: 80\n\t\n      protocol: TCP\n",
            ["YAML error on line 10,", "tab"]),
        ["a duplicate key (line 5)"] = (
            Head + "metadata:\n  name: p\n  name: q\nspec:\n  podSelector: {}\n",
            ["YAML error on line 5,", "duplicate key"]),
        ["an unknown field under spec (line 6)"] = (
            Head + "metadata:\n  name: p\nspec:\n  podSelectr: {}\n",
            ["YAML error on line 6,", "podSelectr"]),
        ["an unknown field under a port (line 9)"] = (
            Head + "metadata:\n  name: p\nspec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - portt: 80\n",
            ["YAML error on line 9,", "portt"]),
        ["an unknown top-level field (line 3)"] = (
            Head + "metdata:\n  name: p\nspec:\n  podSelector: {}\n",
            ["YAML error on line 3,", "metdata"]),
        ["a word where endPort needs a number (line 10)"] = (
            Head + "metadata:\n  name: p\nspec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - port: 80\n      endPort: abc\n",
            ["YAML error on line 10,"]),
        ["apiVersion networking.k8s.io/v1beta1"] = (
            "apiVersion: networking.k8s.io/v1beta1\nkind: NetworkPolicy\nmetadata:\n  name: p\nspec:\n  podSelector: {}\n",
            ["Only networking.k8s.io/v1 NetworkPolicy is accepted here", "networking.k8s.io/v1beta1 NetworkPolicy"]),
        ["kind Pod"] = (
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n",
            ["Only networking.k8s.io/v1 NetworkPolicy is accepted here", "this is v1 Pod"]),
        ["kind Pod under networking.k8s.io/v1"] = (
            "apiVersion: networking.k8s.io/v1\nkind: Pod\nmetadata:\n  name: p\n",
            ["Only networking.k8s.io/v1 NetworkPolicy", "networking.k8s.io/v1 Pod"]),
        ["kind in lowercase"] = (
            "apiVersion: networking.k8s.io/v1\nkind: networkpolicy\nmetadata:\n  name: p\nspec:\n  podSelector: {}\n",
            ["Only networking.k8s.io/v1 NetworkPolicy"]),
        ["no apiVersion"] = (
            "kind: NetworkPolicy\nmetadata:\n  name: p\nspec:\n  podSelector: {}\n",
            ["Only networking.k8s.io/v1 NetworkPolicy", "(no apiVersion) NetworkPolicy"]),
        ["no kind"] = (
            "apiVersion: networking.k8s.io/v1\nmetadata:\n  name: p\nspec:\n  podSelector: {}\n",
            ["Only networking.k8s.io/v1 NetworkPolicy", "(no kind)"]),
        ["a YAML null document"] = ("~\n", ["Only networking.k8s.io/v1 NetworkPolicy"]),
        ["two documents"] = (
            Head + "metadata:\n  name: p\nspec:\n  podSelector: {}\n---\n" + Head + "metadata:\n  name: q\nspec:\n  podSelector: {}\n",
            ["YAML error on line 7,"]),
    };

    public static TheoryData<string> BadTextNames => [.. BadTexts.Keys];

    [Theory]
    [MemberData(nameof(BadTextNames))]
    public void Bad_text_is_refused_with_a_message_and_no_policy(string name)
    {
        var (yaml, fragments) = BadTexts[name];

        var parsed = PolicyText.Parse(yaml);

        Assert.Null(parsed.Policy);
        Assert.NotNull(parsed.YamlError);
        foreach (var fragment in fragments) Assert.Contains(fragment, parsed.YamlError, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("a scalar", "hello\n")]
    [InlineData("a list", "- a\n- b\n")]
    [InlineData("spec is a number", Head + "metadata:\n  name: p\nspec: 5\n")]
    [InlineData("a list where a port goes", Head + "metadata:\n  name: p\nspec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - port: [1]\n")]
    public void Text_of_the_wrong_shape_is_refused_without_throwing(string what, string yaml)
    {
        var parsed = PolicyText.Parse(yaml);

        Assert.Null(parsed.Policy);
        Assert.StartsWith("YAML error on line ", parsed.YamlError, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(what));
    }

    [Fact]
    public void Document_markers_comments_and_Windows_line_ends_are_accepted()
    {
        var yaml = "# pasted from the docs\r\n---\r\n" + PolicyStarters.DefaultDenyIngress.Replace("\n", "\r\n") + "...\r\n";

        var policy = PolicyKit.Parse(yaml);

        Assert.Equal(PolicyKit.Json(PolicyKit.Parse(PolicyStarters.DefaultDenyIngress)), PolicyKit.Json(policy));
    }

    [Fact]
    public void To_yaml_sets_api_version_and_kind_and_writes_unix_line_ends()
    {
        var policy = PolicyKit.Parse(PolicyStarters.SeedExample);
        policy.ApiVersion = null;
        policy.Kind = null;

        var yaml = PolicyText.ToYaml(policy);

        Assert.StartsWith("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', yaml);
        Assert.Equal("networking.k8s.io/v1", policy.ApiVersion);
        Assert.Equal(PolicyKit.Canonical(PolicyStarters.SeedExample), PolicyKit.Canonical(yaml));
    }

    [Fact]
    public void A_quoted_numeric_port_is_written_back_as_a_number()
    {
        var policy = PolicyKit.Parse(PolicyKit.Policy("podSelector: {}", "ingress:", "- ports: [{protocol: TCP, port: '6379'}]"));

        Assert.Contains("- port: 6379\n", PolicyText.ToYaml(policy), StringComparison.Ordinal);
    }
}
