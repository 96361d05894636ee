using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Policies;
using k8s.Models;

namespace Calico.Wizard.Core.Tests.Policies;

/// <summary>The editor's compact text forms: labels "k=v, k2=v2", ports "TCP 6379, UDP 53, TCP 8000-8080", lists "a, b".</summary>
public sealed class PolicyFormTests
{
    // ── labels ───────────────────────────────────────────────────────────────────────────────────────────

    [Fact]
    public void Labels_parse_into_keys_and_values_in_order()
    {
        var labels = PolicyForm.ParseLabels("role=db, tier=web");

        Assert.Equal([("role", "db"), ("tier", "web")], Pairs(labels));
    }

    [Theory]
    [InlineData("role")]
    [InlineData("role=")]
    [InlineData(" role = ")]
    public void A_key_alone_has_an_empty_value(string text)
    {
        var labels = PolicyForm.ParseLabels(text);

        Assert.Equal([("role", "")], Pairs(labels));
    }

    [Theory]
    [InlineData("role=db,")]
    [InlineData("role=db, ")]
    [InlineData(",role=db")]
    [InlineData("  role = db  ")]
    [InlineData("role=db,,")]
    public void Spaces_and_stray_commas_are_ignored(string text)
    {
        Assert.Equal([("role", "db")], Pairs(PolicyForm.ParseLabels(text)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" , ,")]
    public void No_labels_is_null_so_the_selector_matches_everything(string? text)
    {
        Assert.Null(PolicyForm.ParseLabels(text));
    }

    [Fact]
    public void What_is_typed_is_kept_for_the_rules_to_judge()
    {
        var labels = PolicyForm.ParseLabels("-role=db, a=b=c, =x");

        Assert.Equal([("-role", "db"), ("a", "b=c"), ("", "x")], Pairs(labels));
        Assert.NotNull(NetworkPolicyRules.CheckLabelKey("-role"));
        Assert.NotNull(NetworkPolicyRules.CheckLabelValue("a", "b=c"));
        Assert.NotNull(NetworkPolicyRules.CheckLabelKey(""));
    }

    [Fact]
    public void Labels_format_as_the_operator_types_them()
    {
        Assert.Equal("role=db, tier=web", PolicyForm.FormatLabels(new Dictionary<string, string> { ["role"] = "db", ["tier"] = "web" }));
        Assert.Equal("role, tier=web", PolicyForm.FormatLabels(new Dictionary<string, string> { ["role"] = "", ["tier"] = "web" }));
        Assert.Equal("", PolicyForm.FormatLabels(new Dictionary<string, string>()));
        Assert.Equal("", PolicyForm.FormatLabels(null));
    }

    [Theory]
    [InlineData("role=db, tier=web")]
    [InlineData("role")]
    [InlineData("app.kubernetes.io/name=web, role")]
    public void Labels_round_trip(string text)
    {
        Assert.Equal(text, PolicyForm.FormatLabels(PolicyForm.ParseLabels(text)));
    }

    // ── ports ────────────────────────────────────────────────────────────────────────────────────────────

    [Theory]
    [InlineData("TCP 6379", "TCP", "6379", null)]
    [InlineData("6379", "TCP", "6379", null)]
    [InlineData("udp 53", "UDP", "53", null)]
    [InlineData("  UDP   53 ", "UDP", "53", null)]
    [InlineData("sctp 9000", "SCTP", "9000", null)]
    [InlineData("TCP 8000-8080", "TCP", "8000", 8080)]
    [InlineData("8000-8080", "TCP", "8000", 8080)]
    [InlineData("TCP http", "TCP", "http", null)]
    [InlineData("http", "TCP", "http", null)]
    [InlineData("TCP http-alt", "TCP", "http-alt", null)]
    [InlineData("UDP", "UDP", null, null)]
    [InlineData("tcp", "TCP", null, null)]
    public void One_port_parses(string text, string protocol, string? port, int? endPort)
    {
        var parsed = Assert.Single(PolicyForm.ParsePorts(text)!);

        Assert.Equal(protocol, parsed.Protocol);
        Assert.Equal(port, parsed.Port?.Value);
        Assert.Equal(endPort, parsed.EndPort);
    }

    [Fact]
    public void A_list_of_ports_parses_in_order()
    {
        var ports = PolicyForm.ParsePorts("TCP 6379, UDP 53, TCP 8000-8080,")!;

        Assert.Equal(["TCP 6379", "UDP 53", "TCP 8000-8080"], ports.Select(p => $"{p.Protocol} {p.Port?.Value}{(p.EndPort is { } end ? $"-{end}" : "")}"));
        Assert.Equal([null, null, 8080], ports.Select(p => p.EndPort));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" , ")]
    public void No_ports_is_null_so_the_rule_allows_every_port(string? text)
    {
        Assert.Null(PolicyForm.ParsePorts(text));
    }

    [Theory]
    [InlineData("ICMP 1", "spec.ingress[0].ports[0].protocol", "'ICMP' is not a protocol")]
    [InlineData("TCP 0", "spec.ingress[0].ports[0].port", "0 is out of range")]
    [InlineData("TCP 8080-8000", "spec.ingress[0].ports[0].endPort", "endPort 8000 must be between the port 8080 and 65535")]
    [InlineData("TCP HTTP", "spec.ingress[0].ports[0].port", "'HTTP' is neither a port number")]
    [InlineData("TCP 80 443", "spec.ingress[0].ports[0].port", "'80 443' is neither a port number")]
    public void A_mistyped_port_is_kept_and_the_rules_name_it(string text, string path, string fragment)
    {
        var policy = new V1NetworkPolicy
        {
            Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "default" },
            Spec = new V1NetworkPolicySpec
            {
                PodSelector = new V1LabelSelector(),
                Ingress = [new V1NetworkPolicyIngressRule { Ports = PolicyForm.ParsePorts(text) }],
            },
        };

        var error = Assert.Single(NetworkPolicyRules.Errors(policy));

        Assert.Equal(path, error.Path);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ports_format_as_the_operator_types_them()
    {
        IList<V1NetworkPolicyPort> ports =
        [
            new() { Protocol = "TCP", Port = "6379" },
            new() { Protocol = "UDP", Port = "53" },
            new() { Protocol = "TCP", Port = "8000", EndPort = 8080 },
            new() { Protocol = "TCP", Port = "http" },
            new() { Port = "443" },
            new() { Protocol = "SCTP" },
        ];

        Assert.Equal("TCP 6379, UDP 53, TCP 8000-8080, TCP http, TCP 443, SCTP", PolicyForm.FormatPorts(ports));
        Assert.Equal("", PolicyForm.FormatPorts(null));
    }

    [Theory]
    [InlineData("TCP 6379, UDP 53, TCP 8000-8080")]
    [InlineData("TCP http, SCTP 9000")]
    [InlineData("UDP")]
    public void Ports_round_trip(string text)
    {
        Assert.Equal(text, PolicyForm.FormatPorts(PolicyForm.ParsePorts(text)));
    }

    // ── lists ────────────────────────────────────────────────────────────────────────────────────────────

    [Fact]
    public void Lists_parse_trimmed_without_empty_items()
    {
        Assert.Equal(["10.0.0.0/24", "10.0.1.0/24"], PolicyForm.ParseList(" 10.0.0.0/24 ,10.0.1.0/24,, ")!);
        Assert.Equal(["Ingress"], PolicyForm.ParseList("Ingress")!);
        Assert.Null(PolicyForm.ParseList(""));
        Assert.Null(PolicyForm.ParseList(" , "));
        Assert.Null(PolicyForm.ParseList(null));
    }

    [Fact]
    public void Lists_format_comma_separated()
    {
        Assert.Equal("10.0.0.0/24, 10.0.1.0/24", PolicyForm.FormatList(["10.0.0.0/24", "10.0.1.0/24"]));
        Assert.Equal("", PolicyForm.FormatList([]));
        Assert.Equal("", PolicyForm.FormatList(null));
        Assert.Equal("Ingress, Egress", PolicyForm.FormatList(PolicyForm.ParseList("Ingress,Egress")));
    }

    private static (string Key, string Value)[] Pairs(Dictionary<string, string>? labels)
    {
        Assert.NotNull(labels);
        return [.. labels.Select(kv => (kv.Key, kv.Value))];
    }
}
