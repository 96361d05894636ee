using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Policies;
using static Calico.Wizard.Core.Tests.Policies.PolicyKit;

namespace Calico.Wizard.Core.Tests.Policies;

/// <summary>
/// What Kubernetes' own validation of a NetworkPolicy refuses (and what the wizard refuses more strictly), one
/// case each: the policy is otherwise valid, so the one finding must sit on the named path and say how to fix it.
/// </summary>
public sealed class NetworkPolicyRulesTests
{
    internal sealed record Bad(string Yaml, NetworkStack Stack, string Path, string Fragment);

    private static string Ingress(params string[] ruleLines) =>
        Policy(["podSelector: {}", "policyTypes: [Ingress]", "ingress:", .. ruleLines]);

    private static string Peer(string peer) => Ingress("- from:", "  - " + peer);

    private static string Port(string port) => Ingress("- ports:", "  - " + port);

    private static string PodSelector(string selector) => Policy("podSelector: " + selector, "policyTypes: [Ingress]");

    private static readonly string SixtyFour = new('a', 64);

    internal static readonly Dictionary<string, Bad> BadCases = new() // also run in German (Localization)
    {
        // ipBlock
        ["except outside its cidr"] = new(Peer("ipBlock: {cidr: 172.17.0.0/16, except: [10.0.0.0/24]}"), NetworkStack.IPv4,
            "spec.ingress[0].from[0].ipBlock.except[0]", "10.0.0.0/24 is not inside the cidr 172.17.0.0/16"),
        ["except equal to its cidr"] = new(Peer("ipBlock: {cidr: 172.17.0.0/16, except: [172.17.0.0/16]}"), NetworkStack.IPv4,
            "spec.ingress[0].from[0].ipBlock.except[0]", "an except must be a smaller range within it"),
        ["except wider than its cidr"] = new(Peer("ipBlock: {cidr: 172.17.0.0/16, except: [172.16.0.0/12]}"), NetworkStack.IPv4,
            "spec.ingress[0].from[0].ipBlock.except[0]", "is not inside the cidr 172.17.0.0/16"),
        ["second except outside, first fine"] = new(Peer("ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24, 172.18.0.0/24]}"), NetworkStack.IPv4,
            "spec.ingress[0].from[0].ipBlock.except[1]", "172.18.0.0/24 is not inside"),
        ["except with host bits"] = new(Peer("ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.5/24]}"), NetworkStack.IPv4,
            "spec.ingress[0].from[0].ipBlock.except[0]", "did you mean 172.17.1.0/24"),
        ["cidr with host bits"] = new(Peer("ipBlock: {cidr: 172.17.1.0/16}"), NetworkStack.IPv4,
            "spec.ingress[0].from[0].ipBlock.cidr", "Host bits are set: did you mean 172.17.0.0/16?"),
        ["cidr without a prefix"] = new(Peer("ipBlock: {cidr: 10.0.0.1}"), NetworkStack.IPv4,
            "spec.ingress[0].from[0].ipBlock.cidr", "Add the prefix length"),
        ["except of the other family"] = new(Peer("ipBlock: {cidr: 10.0.0.0/8, except: ['fd00::/8']}"), NetworkStack.IPv4,
            "spec.ingress[0].from[0].ipBlock.except[0]", "is not inside the cidr 10.0.0.0/8"),
        ["IPv6 cidr with host bits"] = new(Peer("ipBlock: {cidr: '2001:db8::1/64'}"), NetworkStack.IPv6,
            "spec.ingress[0].from[0].ipBlock.cidr", "did you mean 2001:db8::/64"),

        // ports
        ["port 0"] = new(Port("{protocol: TCP, port: 0}"), NetworkStack.IPv4, "spec.ingress[0].ports[0].port", "0 is out of range: ports are 1–65535"),
        ["port 65536"] = new(Port("{protocol: TCP, port: 65536}"), NetworkStack.IPv4, "spec.ingress[0].ports[0].port", "65536 is out of range"),
        ["named port in uppercase"] = new(Port("{protocol: TCP, port: HTTP}"), NetworkStack.IPv4, "spec.ingress[0].ports[0].port", "'HTTP' is neither a port number"),
        ["named port with a double dash"] = new(Port("{protocol: TCP, port: my--port}"), NetworkStack.IPv4, "spec.ingress[0].ports[0].port", "single '-'"),
        ["named port of 16 characters"] = new(Port("{protocol: TCP, port: abcdefghijklmnop}"), NetworkStack.IPv4, "spec.ingress[0].ports[0].port", "at most 15"),
        ["named port ending in a dash"] = new(Port("{protocol: TCP, port: http-}"), NetworkStack.IPv4, "spec.ingress[0].ports[0].port", "nor a valid port name"),
        ["named port without a letter"] = new(Port("{protocol: TCP, port: 80-80}"), NetworkStack.IPv4, "spec.ingress[0].ports[0].port", "with a letter"),
        ["endPort with a named port"] = new(Port("{protocol: TCP, port: http, endPort: 8080}"), NetworkStack.IPv4, "spec.ingress[0].ports[0].endPort", "endPort needs a numeric port"),
        ["endPort below its port"] = new(Port("{protocol: TCP, port: 8080, endPort: 8000}"), NetworkStack.IPv4, "spec.ingress[0].ports[0].endPort", "endPort 8000 must be between the port 8080 and 65535"),
        ["endPort above 65535"] = new(Port("{protocol: TCP, port: 8000, endPort: 65536}"), NetworkStack.IPv4, "spec.ingress[0].ports[0].endPort", "between the port 8000 and 65535"),
        ["endPort without a port"] = new(Port("{protocol: TCP, endPort: 8080}"), NetworkStack.IPv4, "spec.ingress[0].ports[0].endPort", "endPort needs a port"),
        ["protocol ICMP"] = new(Port("{protocol: ICMP, port: 80}"), NetworkStack.IPv4, "spec.ingress[0].ports[0].protocol", "'ICMP' is not a protocol: use TCP, UDP or SCTP"),
        ["protocol in lowercase"] = new(Port("{protocol: tcp, port: 80}"), NetworkStack.IPv4, "spec.ingress[0].ports[0].protocol", "'tcp' is not a protocol"),
        ["second port of an egress rule"] = new(Policy("podSelector: {}", "policyTypes: [Egress]", "egress:", "- ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 0}]"),
            NetworkStack.IPv4, "spec.egress[0].ports[1].port", "0 is out of range"),

        // labels
        ["label key starting with a dash"] = new(PodSelector("{matchLabels: {'-role': db}}"), NetworkStack.IPv4, "spec.podSelector.matchLabels", "Label key '-role' is not valid"),
        ["label key with an uppercase prefix"] = new(PodSelector("{matchLabels: {Example.com/x: y}}"), NetworkStack.IPv4, "spec.podSelector.matchLabels",
            "the prefix before '/' must be a DNS subdomain such as example.com"),
        ["label key with an empty prefix"] = new(PodSelector("{matchLabels: {/x: y}}"), NetworkStack.IPv4, "spec.podSelector.matchLabels", "the prefix before '/'"),
        ["label key name of 64 characters"] = new(PodSelector($"{{matchLabels: {{{SixtyFour}: y}}}}"), NetworkStack.IPv4, "spec.podSelector.matchLabels", "at most 63"),
        ["label value of 64 characters"] = new(PodSelector($"{{matchLabels: {{role: {SixtyFour}}}}}"), NetworkStack.IPv4, "spec.podSelector.matchLabels", $"Label value '{SixtyFour}' (of role) is not valid"),
        ["label value ending in a dot"] = new(PodSelector("{matchLabels: {role: db.}}"), NetworkStack.IPv4, "spec.podSelector.matchLabels", "starting and ending with a letter or digit"),
        ["bad label in a peer's namespace selector"] = new(Peer("namespaceSelector: {matchLabels: {'team a': x}}"), NetworkStack.IPv4,
            "spec.ingress[0].from[0].namespaceSelector.matchLabels", "Label key 'team a'"),
        ["bad label in a peer's pod selector"] = new(Peer("podSelector: {matchLabels: {role: -x}}"), NetworkStack.IPv4,
            "spec.ingress[0].from[0].podSelector.matchLabels", "Label value '-x'"),

        // metadata
        ["policy name with an underscore and capitals"] = new(Named("Test_Policy", "default", "podSelector: {}"), NetworkStack.IPv4, "metadata.name", "'Test_Policy' is not a valid name"),
        ["policy name missing"] = new(Named("''", "default", "podSelector: {}"), NetworkStack.IPv4, "metadata.name", "Enter a name"),
        ["namespace with capitals"] = new(Named("p", "My-NS", "podSelector: {}"), NetworkStack.IPv4, "metadata.namespace", "did you mean my-ns?"),
        ["namespace with a dot"] = new(Named("p", "team.a", "podSelector: {}"), NetworkStack.IPv4, "metadata.namespace", "did you mean team-a?"),

        // spec
        ["pod selector missing"] = new(Policy("policyTypes: [Ingress]"), NetworkStack.IPv4, "spec.podSelector", "use {} to select every pod"),
        ["policy type Both"] = new(Policy("podSelector: {}", "policyTypes: [Both]"), NetworkStack.IPv4, "spec.policyTypes[0]", "'Both' is not a policy type: use Ingress or Egress"),
        ["policy type in lowercase"] = new(Policy("podSelector: {}", "policyTypes: [Ingress, egress]"), NetworkStack.IPv4, "spec.policyTypes[1]", "'egress' is not a policy type"),
        ["egress rules without Egress in policyTypes"] = new(Policy("podSelector: {}", "policyTypes: [Ingress]", "egress:", "- to: [{podSelector: {}}]"),
            NetworkStack.IPv4, "spec.egress", "unless policyTypes includes Egress: add it, or remove the rules"),
        ["ingress rules without Ingress in policyTypes"] = new(Policy("podSelector: {}", "policyTypes: [Egress]", "ingress:", "- from: [{podSelector: {}}]"),
            NetworkStack.IPv4, "spec.ingress", "unless policyTypes includes Ingress"),

        // peers
        ["peer with an ipBlock and a podSelector"] = new(Peer("{ipBlock: {cidr: 10.0.0.0/24}, podSelector: {}}"), NetworkStack.IPv4,
            "spec.ingress[0].from[0]", "An ipBlock cannot be combined with a namespaceSelector or podSelector in the same peer: make them separate peers"),
        ["egress peer with an ipBlock and a namespaceSelector"] = new(
            Policy("podSelector: {}", "policyTypes: [Egress]", "egress:", "- to:", "  - {podSelector: {}}", "  - {ipBlock: {cidr: 10.0.0.0/24}, namespaceSelector: {}}"),
            NetworkStack.IPv4, "spec.egress[0].to[1]", "make them separate peers"),
        ["empty peer"] = new(Peer("{}"), NetworkStack.IPv4, "spec.ingress[0].from[0]", "A peer needs an ipBlock, a namespaceSelector or a podSelector"),

        // a lone "-" (a null entry, what the YAML box holds half-way through typing a list)
        ["empty ingress rule"] = new(Policy("podSelector: {}", "ingress:", "-"), NetworkStack.IPv4, "spec.ingress[0]", "This rule is empty (a lone '-')"),
        ["empty egress rule after a good one"] = new(Policy("podSelector: {}", "policyTypes: [Egress]", "egress:", "- to: [{podSelector: {}}]", "-"), NetworkStack.IPv4,
            "spec.egress[1]", "or remove the '-'"),
        ["empty peer (a lone dash)"] = new(Ingress("- from:", "  -"), NetworkStack.IPv4, "spec.ingress[0].from[0]", "This peer is empty"),
        ["empty port"] = new(Ingress("- ports:", "  -"), NetworkStack.IPv4, "spec.ingress[0].ports[0]", "This port is empty"),
        ["empty match expression"] = new(Policy("podSelector:", "  matchExpressions:", "  -"), NetworkStack.IPv4,
            "spec.podSelector.matchExpressions[0]", "This expression is empty"),

        // match expressions
        ["In without values"] = new(PodSelector("{matchExpressions: [{key: tier, operator: In}]}"), NetworkStack.IPv4,
            "spec.podSelector.matchExpressions[0]", "In needs at least one value"),
        ["NotIn with an empty list"] = new(PodSelector("{matchExpressions: [{key: tier, operator: NotIn, values: []}]}"), NetworkStack.IPv4,
            "spec.podSelector.matchExpressions[0]", "NotIn needs at least one value"),
        ["Exists with values"] = new(PodSelector("{matchExpressions: [{key: tier, operator: Exists, values: [web]}]}"), NetworkStack.IPv4,
            "spec.podSelector.matchExpressions[0]", "Exists takes no values"),
        ["DoesNotExist with values"] = new(PodSelector("{matchExpressions: [{key: tier, operator: DoesNotExist, values: [web]}]}"), NetworkStack.IPv4,
            "spec.podSelector.matchExpressions[0]", "DoesNotExist takes no values"),
        ["operator Has"] = new(PodSelector("{matchExpressions: [{key: tier, operator: Has, values: [web]}]}"), NetworkStack.IPv4,
            "spec.podSelector.matchExpressions[0]", "'Has' is not an operator: use In, NotIn, Exists or DoesNotExist"),
        ["expression with a bad key"] = new(PodSelector("{matchExpressions: [{key: '-tier', operator: Exists}]}"), NetworkStack.IPv4,
            "spec.podSelector.matchExpressions[0]", "Label key '-tier'"),
        ["expression with a bad value"] = new(PodSelector("{matchExpressions: [{key: tier, operator: In, values: [web, 'a b']}]}"), NetworkStack.IPv4,
            "spec.podSelector.matchExpressions[0]", "Label value 'a b' (of tier)"),
        ["second expression of a peer selector"] = new(Peer("podSelector: {matchExpressions: [{key: a, operator: Exists}, {key: b, operator: In}]}"), NetworkStack.IPv4,
            "spec.ingress[0].from[0].podSelector.matchExpressions[1]", "In needs at least one value"),
    };

    public static TheoryData<string> BadCaseNames => [.. BadCases.Keys];

    [Theory]
    [MemberData(nameof(BadCaseNames))]
    public void A_bad_policy_gets_one_error_on_its_path_saying_what_to_do(string name)
    {
        var (yaml, _, path, fragment) = BadCases[name];
        var policy = PolicyKit.Parse(yaml);

        var errors = NetworkPolicyRules.Errors(policy);

        var error = Assert.Single(errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.Equal($"{path}: {error.Message}", error.ToString());
    }

    private static readonly Dictionary<string, (string Yaml, NetworkStack Stack)> GoodCases = new()
    {
        ["named port http"] = (Port("{protocol: TCP, port: http}"), NetworkStack.IPv4),
        ["named port of 15 characters with single dashes"] = (Port("{protocol: TCP, port: a-b-c-d-e-f-g-h}"), NetworkStack.IPv4),
        ["port range TCP 8000-8080"] = (Port("{protocol: TCP, port: 8000, endPort: 8080}"), NetworkStack.IPv4),
        ["port range of one port"] = (Port("{protocol: TCP, port: 8000, endPort: 8000}"), NetworkStack.IPv4),
        ["ports 1 and 65535"] = (Ingress("- ports: [{protocol: UDP, port: 1}, {protocol: SCTP, port: 65535}]"), NetworkStack.IPv4),
        ["protocol left out (TCP)"] = (Port("{port: 443}"), NetworkStack.IPv4),
        ["a protocol without a port (all its ports)"] = (Port("{protocol: UDP}"), NetworkStack.IPv4),
        ["matchExpressions In with values"] = (PodSelector("{matchExpressions: [{key: tier, operator: In, values: [web, api]}]}"), NetworkStack.IPv4),
        ["matchExpressions Exists and DoesNotExist"] = (PodSelector("{matchExpressions: [{key: a, operator: Exists}, {key: b, operator: DoesNotExist}]}"), NetworkStack.IPv4),
        ["label key with a DNS prefix"] = (PodSelector("{matchLabels: {app.kubernetes.io/name: web, example.com/x: 'y'}}"), NetworkStack.IPv4),
        ["empty label value"] = (PodSelector("{matchLabels: {role: ''}}"), NetworkStack.IPv4),
        ["label value of 63 characters"] = (PodSelector($"{{matchLabels: {{role: {new string('a', 63)}}}}}"), NetworkStack.IPv4),
        ["IPv6 ipBlock on the IPv6 stack"] = (Peer("ipBlock: {cidr: '2001:db8::/48', except: ['2001:db8:0:1::/64']}"), NetworkStack.IPv6),
        ["Kubernetes' own IPv6 case: fd00:192:168::/48 with excepts"] = (Peer("ipBlock: {cidr: 'fd00:192:168::/48', except: ['fd00:192:168:3::/64', 'fd00:192:168:4::/64']}"), NetworkStack.IPv6),
        ["IPv4 ipBlock with a /32 except"] = (Peer("ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}"), NetworkStack.IPv4),
        ["pods in namespaces (one peer, two selectors)"] = (Peer("{namespaceSelector: {matchLabels: {team: a}}, podSelector: {matchLabels: {role: client}}}"), NetworkStack.IPv4),
        ["policy name with dots"] = (Named("allow.dns", "kube-system", "podSelector: {}"), NetworkStack.IPv4),
        ["policy types left out"] = (Policy("podSelector: {}", "egress:", "- ports: [{protocol: UDP, port: 53}]"), NetworkStack.IPv4),
        ["egress only"] = (Policy("podSelector: {}", "policyTypes: [Egress]", "egress:", "- to: [{namespaceSelector: {}}]"), NetworkStack.IPv4),
    };

    public static TheoryData<string> GoodCaseNames => [.. GoodCases.Keys];

    [Theory]
    [MemberData(nameof(GoodCaseNames))]
    public void A_good_policy_has_no_errors(string name)
    {
        var (yaml, stack) = GoodCases[name];

        var errors = NetworkPolicyRules.Errors(PolicyKit.Parse(yaml));
        Assert.Empty(NetworkPolicyRules.FamilyWarnings(PolicyKit.Parse(yaml), stack)); // each good case is of its cluster's family

        Assert.True(errors.Count == 0, PolicyKit.Show(errors));
    }

    [Fact]
    public void Every_finding_is_reported_not_just_the_first()
    {
        var policy = PolicyKit.Parse(Named("Bad_Name", "default",
            "podSelector: {}", "policyTypes: [Ingress]", "ingress:", "- from: [{}]", "  ports: [{protocol: ICMP, port: 0}]"));

        var paths = NetworkPolicyRules.Errors(policy).Select(e => e.Path);

        Assert.Equal(["metadata.name", "spec.ingress[0].from[0]", "spec.ingress[0].ports[0].protocol", "spec.ingress[0].ports[0].port"], paths);
    }

    // ── hints ────────────────────────────────────────────────────────────────────────────────────────────

    [Fact]
    public void Default_deny_hints_that_it_selects_every_pod_and_denies_all_ingress()
    {
        var hints = NetworkPolicyRules.Hints(PolicyKit.Parse(PolicyStarters.DefaultDenyIngress));

        Assert.Equal(
            [
                new PolicyFinding("spec.podSelector", "Selects every pod in namespace default."),
                new PolicyFinding("spec.ingress", "Denies all ingress to every pod in namespace default."),
            ],
            hints);
    }

    [Fact]
    public void An_egress_policy_without_rules_hints_that_it_denies_DNS_too()
    {
        var hints = NetworkPolicyRules.Hints(PolicyKit.Parse(Named("lock", "shop", "podSelector: {matchLabels: {role: db}}", "policyTypes: [Egress]")));

        var hint = Assert.Single(hints);
        Assert.Equal("spec.egress", hint.Path);
        Assert.Equal("Denies all egress from the pods matching role=db in namespace shop, DNS included.", hint.Message);
    }

    [Fact]
    public void A_selector_with_an_empty_expression_is_still_described()
    {
        var policy = PolicyKit.Parse(Policy("podSelector:", "  matchLabels: {role: db}", "  matchExpressions:", "  -", "  - {key: tier, operator: In, values: [a, b]}"));

        var hint = Assert.Single(NetworkPolicyRules.Hints(policy));

        Assert.Equal("Denies all ingress to the pods matching role=db, tier In (a,b) in namespace default.", hint.Message);
    }

    [Fact]
    public void The_seed_example_has_no_hints()
    {
        Assert.Empty(NetworkPolicyRules.Hints(PolicyKit.Parse(PolicyStarters.SeedExample)));
    }

    [Fact]
    public void Allow_same_namespace_hints_only_that_it_selects_every_pod()
    {
        var hint = Assert.Single(NetworkPolicyRules.Hints(PolicyKit.Parse(PolicyStarters.AllowSameNamespace)));

        Assert.Equal("spec.podSelector", hint.Path);
    }

    [Fact]
    public void Without_policy_types_a_policy_with_no_rules_denies_ingress()
    {
        // Kubernetes defaults policyTypes to [Ingress] (plus Egress only when there are egress rules).
        var hints = NetworkPolicyRules.Hints(PolicyKit.Parse(Policy("podSelector: {matchLabels: {role: db}}")));

        var hint = Assert.Single(hints);
        Assert.Equal("Denies all ingress to the pods matching role=db in namespace default.", hint.Message);
    }
}
