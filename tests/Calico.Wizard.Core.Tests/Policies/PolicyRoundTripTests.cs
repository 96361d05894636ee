using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Policies;
using k8s.Models;

namespace Calico.Wizard.Core.Tests.Policies;

/// <summary>
/// The policy editor shows a policy as compact form texts (PolicyForm.Format*) and writes every edit back as YAML
/// (PolicyForm.Parse* then PolicyText.ToYaml). A policy that goes text → form → text must come back unchanged.
/// </summary>
public sealed class PolicyRoundTripTests
{
    public static TheoryData<string> StarterIds => [.. PolicyStarters.All.Select(s => s.Id)];

    [Fact]
    public void The_seed_example_parses_with_every_field_of_the_seed()
    {
        var policy = PolicyKit.Parse(PolicyStarters.SeedExample);

        AssertIsTheSeedExample(policy);
    }

    [Fact]
    public void The_seed_example_shows_in_the_form_as_the_seed_writes_it()
    {
        var form = EditorForm.Of(PolicyKit.Parse(PolicyStarters.SeedExample));

        Assert.Equal("test-network-policy", form.Name);
        Assert.Equal("default", form.Namespace);
        Assert.Equal("role=db", form.PodSelector);
        Assert.Equal("Ingress, Egress", form.PolicyTypes);
        var ingress = Assert.Single(form.Ingress);
        Assert.Equal(
            [
                new PeerForm("ip", "172.17.0.0/16", "172.17.1.0/24", "", ""),
                new PeerForm("ns", "", "", "project=myproject", ""),
                new PeerForm("pod", "", "", "", "role=frontend"),
            ],
            ingress.Peers);
        Assert.Equal("TCP 6379", ingress.Ports);
        var egress = Assert.Single(form.Egress);
        Assert.Equal([new PeerForm("ip", "10.0.0.0/24", "", "", "")], egress.Peers);
        Assert.Equal("TCP 5978", egress.Ports);
    }

    [Fact]
    public void The_seed_example_survives_the_form_and_back_with_nothing_lost()
    {
        var original = PolicyKit.Parse(PolicyStarters.SeedExample);

        var yaml = PolicyText.ToYaml(EditorForm.Of(original).Build());
        var again = PolicyKit.Parse(yaml);

        Assert.Equal(PolicyKit.Json(original), PolicyKit.Json(again));
        Assert.Equal(PolicyKit.Canonical(PolicyStarters.SeedExample), PolicyKit.Canonical(yaml));
        AssertIsTheSeedExample(again);
    }

    [Theory]
    [MemberData(nameof(StarterIds))]
    public void Each_starter_is_valid_on_IPv4(string id)
    {
        var policy = PolicyKit.Parse(Starter(id));

        var errors = NetworkPolicyRules.Errors(policy);

        Assert.True(errors.Count == 0, PolicyKit.Show(errors));
    }

    [Theory]
    [InlineData("default-deny-ingress")]
    [InlineData("allow-same-namespace")]
    public void The_starters_without_an_ip_block_are_valid_on_IPv6_too(string id)
    {
        var errors = NetworkPolicyRules.Errors(PolicyKit.Parse(Starter(id)));

        Assert.True(errors.Count == 0, PolicyKit.Show(errors));
    }

    [Theory]
    [MemberData(nameof(StarterIds))]
    public void Each_starter_survives_the_form_and_back(string id)
    {
        var original = PolicyKit.Parse(Starter(id));

        var yaml = PolicyText.ToYaml(EditorForm.Of(original).Build());

        Assert.Equal(PolicyKit.Json(original), PolicyKit.Json(PolicyKit.Parse(yaml)));
        Assert.Equal(PolicyKit.Canonical(Starter(id)), PolicyKit.Canonical(yaml));
    }

    [Theory]
    [MemberData(nameof(StarterIds))]
    public void Each_starter_is_already_in_canonical_form(string id)
    {
        // What the spec stores and the renderer applies is ToYaml's output: it must say what the starter says.
        var yaml = PolicyText.ToYaml(PolicyKit.Parse(Starter(id)));

        Assert.Equal(PolicyKit.Canonical(Starter(id)), PolicyKit.Canonical(yaml));
        Assert.Equal(yaml, PolicyText.ToYaml(PolicyKit.Parse(yaml)));
    }

    [Fact]
    public void The_starters_are_the_seed_example_then_two_more_each_with_its_own_name()
    {
        Assert.Same(PolicyStarters.SeedExample, PolicyStarters.All[0].Yaml);
        Assert.Equal(
            ["test-network-policy", "default-deny-ingress", "allow-same-namespace"],
            PolicyStarters.All.Select(s => PolicyKit.Parse(s.Yaml).Metadata.Name));
        Assert.Equal(PolicyStarters.All.Count, PolicyStarters.All.Select(s => s.Id).Distinct().Count());
        Assert.All(PolicyStarters.All, s => Assert.False(string.IsNullOrWhiteSpace(s.Title)));
    }

    [Fact]
    public void A_policy_with_a_named_port_a_port_range_and_a_peer_in_namespaces_survives_the_form()
    {
        var yaml = PolicyKit.Named("web", "shop",
            "podSelector:",
            "  matchLabels: {app: web, tier: front}",
            "policyTypes: [Ingress, Egress]",
            "ingress:",
            "- from:",
            "  - namespaceSelector: {matchLabels: {team: a}}",
            "    podSelector: {matchLabels: {role: client}}",
            "  - namespaceSelector: {}",
            "  ports:",
            "  - {protocol: TCP, port: http}",
            "  - {protocol: TCP, port: 8000, endPort: 8080}",
            "  - {protocol: UDP, port: 53}",
            "egress:",
            "- to:",
            "  - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16, 10.2.0.0/16]}",
            "- ports:",
            "  - {protocol: SCTP, port: 9000}");
        var original = PolicyKit.Parse(yaml);
        Assert.Empty(NetworkPolicyRules.Errors(original));
        var form = EditorForm.Of(original);
        Assert.Equal("TCP http, TCP 8000-8080, UDP 53", form.Ingress[0].Ports);
        Assert.Equal(new PeerForm("nspod", "", "", "team=a", "role=client"), form.Ingress[0].Peers[0]);
        Assert.Equal("10.1.0.0/16, 10.2.0.0/16", form.Egress[0].Peers[0].Except);

        var again = PolicyKit.Parse(PolicyText.ToYaml(form.Build()));

        Assert.Equal(PolicyKit.Json(original), PolicyKit.Json(again));
        Assert.Equal(PolicyKit.Canonical(yaml), PolicyKit.Canonical(PolicyText.ToYaml(again)));
    }

    private static string Starter(string id) => PolicyStarters.All.Single(s => s.Id == id).Yaml;

    private static void AssertIsTheSeedExample(V1NetworkPolicy policy)
    {
        Assert.Equal("networking.k8s.io/v1", policy.ApiVersion);
        Assert.Equal("NetworkPolicy", policy.Kind);
        Assert.Equal("test-network-policy", policy.Metadata.Name);
        Assert.Equal("default", policy.Metadata.NamespaceProperty);
        Assert.Equal(new Dictionary<string, string> { ["role"] = "db" }, policy.Spec.PodSelector.MatchLabels);
        Assert.Null(policy.Spec.PodSelector.MatchExpressions);
        Assert.Equal(["Ingress", "Egress"], policy.Spec.PolicyTypes);

        var ingress = Assert.Single(policy.Spec.Ingress);
        Assert.Equal(3, ingress.FromProperty.Count);
        var ip = ingress.FromProperty[0];
        Assert.Equal("172.17.0.0/16", ip.IpBlock.Cidr);
        Assert.Equal(["172.17.1.0/24"], ip.IpBlock.Except);
        Assert.Null(ip.NamespaceSelector);
        Assert.Null(ip.PodSelector);
        var ns = ingress.FromProperty[1];
        Assert.Null(ns.IpBlock);
        Assert.Equal(new Dictionary<string, string> { ["project"] = "myproject" }, ns.NamespaceSelector.MatchLabels);
        Assert.Null(ns.PodSelector);
        var pod = ingress.FromProperty[2];
        Assert.Null(pod.IpBlock);
        Assert.Null(pod.NamespaceSelector);
        Assert.Equal(new Dictionary<string, string> { ["role"] = "frontend" }, pod.PodSelector.MatchLabels);
        var port = Assert.Single(ingress.Ports);
        Assert.Equal("TCP", port.Protocol);
        Assert.Equal("6379", port.Port?.Value);
        Assert.Null(port.EndPort);

        var egress = Assert.Single(policy.Spec.Egress);
        var to = Assert.Single(egress.To);
        Assert.Equal("10.0.0.0/24", to.IpBlock.Cidr);
        Assert.Null(to.IpBlock.Except);
        var egressPort = Assert.Single(egress.Ports);
        Assert.Equal("TCP", egressPort.Protocol);
        Assert.Equal("5978", egressPort.Port?.Value);
    }
}

/// <summary>One peer as the editor shows it: its kind (the radio group) and its text fields.</summary>
internal sealed record PeerForm(string Kind, string Cidr, string Except, string NamespaceLabels, string PodLabels);

internal sealed record RuleForm(IReadOnlyList<PeerForm> Peers, string Ports);

/// <summary>
/// The policy editor's fields as texts, read and written only through PolicyForm the way PolicyEditor.razor does
/// (peer kind from which selectors are present; a present selector is rebuilt even when its labels text is empty).
/// </summary>
internal sealed record EditorForm(string Name, string Namespace, string PodSelector, string PolicyTypes, IReadOnlyList<RuleForm> Ingress, IReadOnlyList<RuleForm> Egress)
{
    public static EditorForm Of(V1NetworkPolicy p) => new(
        p.Metadata.Name,
        p.Metadata.NamespaceProperty,
        PolicyForm.FormatLabels(p.Spec.PodSelector?.MatchLabels),
        PolicyForm.FormatList(p.Spec.PolicyTypes),
        (p.Spec.Ingress ?? []).Select(r => Rule(r.FromProperty, r.Ports)).ToList(),
        (p.Spec.Egress ?? []).Select(r => Rule(r.To, r.Ports)).ToList());

    private static RuleForm Rule(IList<V1NetworkPolicyPeer>? peers, IList<V1NetworkPolicyPort>? ports) => new(
        (peers ?? []).Select(q => new PeerForm(
            q.IpBlock is not null ? "ip" : q.NamespaceSelector is not null && q.PodSelector is not null ? "nspod" : q.NamespaceSelector is not null ? "ns" : "pod",
            q.IpBlock?.Cidr ?? "",
            PolicyForm.FormatList(q.IpBlock?.Except),
            PolicyForm.FormatLabels(q.NamespaceSelector?.MatchLabels),
            PolicyForm.FormatLabels(q.PodSelector?.MatchLabels))).ToList(),
        PolicyForm.FormatPorts(ports));

    public V1NetworkPolicy Build() => new()
    {
        Metadata = new V1ObjectMeta { Name = Name, NamespaceProperty = Namespace },
        Spec = new V1NetworkPolicySpec
        {
            PodSelector = new V1LabelSelector { MatchLabels = PolicyForm.ParseLabels(PodSelector) },
            PolicyTypes = PolicyForm.ParseList(PolicyTypes),
            Ingress = Ingress.Count == 0 ? null : Ingress.Select(r => new V1NetworkPolicyIngressRule { FromProperty = Peers(r), Ports = PolicyForm.ParsePorts(r.Ports) }).ToList(),
            Egress = Egress.Count == 0 ? null : Egress.Select(r => new V1NetworkPolicyEgressRule { To = Peers(r), Ports = PolicyForm.ParsePorts(r.Ports) }).ToList(),
        },
    };

    private static List<V1NetworkPolicyPeer>? Peers(RuleForm rule) => rule.Peers.Count == 0 ? null : rule.Peers.Select(q => new V1NetworkPolicyPeer
    {
        IpBlock = q.Kind == "ip" ? new V1IPBlock { Cidr = q.Cidr, Except = PolicyForm.ParseList(q.Except) } : null,
        NamespaceSelector = q.Kind is "ns" or "nspod" ? new V1LabelSelector { MatchLabels = PolicyForm.ParseLabels(q.NamespaceLabels) } : null,
        PodSelector = q.Kind is "pod" or "nspod" ? new V1LabelSelector { MatchLabels = PolicyForm.ParseLabels(q.PodLabels) } : null,
    }).ToList();
}
