using System.Numerics;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Core.Tests.Rules;

/// <summary>
/// The whole input corpus of shared/bad-inputs.md, row by row. Every row starts from a fully valid draft and
/// changes only what the row names, so a reject must put its error on that field (and on no other), and an
/// accept must leave the draft valid. Where a message can say the fix, the row names a fragment it must contain.
/// </summary>
public sealed class BadInputsTests
{
    private const string Containers = nameof(ClusterDraft.ContainersCidr);
    private const string Services = nameof(ClusterDraft.ServicesCidr);
    private const string Detection = nameof(ClusterDraft.NodeAddressDetectionValue);

    // ── Containers / Services CIDR ────────────────────────────────────────────────────────────────────────

    /// <summary>CIDR texts no stack accepts; each is tried as the Containers and as the Services CIDR.</summary>
    private static readonly (NetworkStack Stack, string Value, string Fragment)[] MalformedCidrs =
    [
        (NetworkStack.IPv4, "10.0.0.1/16", "did you mean 10.0.0.0/16"),
        (NetworkStack.IPv4, "010.0.0.0/8", "leading zero"),
        (NetworkStack.IPv4, "10.0.0.00/8", "leading zero"),
        (NetworkStack.IPv4, "10.0.0.0/33", "out of range"),
        (NetworkStack.IPv4, "10.0.0.0", "10.0.0.0/16"),
        (NetworkStack.IPv4, "10.0.0.0/", "10.0.0.0/16"),
        (NetworkStack.IPv4, "/16", "address is missing"),
        (NetworkStack.IPv4, "192.168.300.0/24", "300"),
        (NetworkStack.IPv4, "127.1/8", "four parts"),
        (NetworkStack.IPv4, "0300.0250.0.0/16", "leading zero"),
        (NetworkStack.IPv4, "10.0.0.0/8 junk", "space"),
        (NetworkStack.IPv4, "", "Enter a CIDR"),
        (NetworkStack.IPv4, "2001:db8::/64", "network stack is IPv4"),
        (NetworkStack.IPv6, "10.0.0.0/16", "network stack is IPv6"),
        (NetworkStack.IPv6, "fe80::%eth0/64", "zone"),
        (NetworkStack.IPv6, "::ffff:10.0.0.0/104", "IPv4-mapped"),
        (NetworkStack.IPv6, "::/129", "out of range"),
        (NetworkStack.IPv6, "fe80::1::1/64", "not a valid IPv6"),
    ];

    public static TheoryData<string, NetworkStack, string, string> CidrRejects()
    {
        var data = new TheoryData<string, NetworkStack, string, string>();
        foreach (var field in new[] { Containers, Services })
            foreach (var (stack, value, fragment) in MalformedCidrs)
                data.Add(field, stack, value, fragment);
        data.Add(Services, NetworkStack.IPv4, "10.0.0.0/8", "/12"); // 2^24 addresses > 2^20: the fix is a /12 or longer
        foreach (var field in new[] { Containers, Services })
            foreach (var (stack, value, fragment) in SpecialRanges)
                data.Add(field, stack, value, fragment);
        return data;
    }

    /// <summary>Well-formed CIDRs no pod or service may use (special-purpose blocks), with why.</summary>
    private static readonly (NetworkStack Stack, string Value, string Fragment)[] SpecialRanges =
    [
        (NetworkStack.IPv4, "127.0.0.0/16", "is loopback (127.0.0.0/8)"),
        (NetworkStack.IPv4, "169.254.0.0/16", "is link-local (169.254.0.0/16)"),
        (NetworkStack.IPv4, "224.0.0.0/16", "is multicast (224.0.0.0/4)"),
        (NetworkStack.IPv4, "0.0.0.0/16", "\"this network\" (0.0.0.0/8)"),
        (NetworkStack.IPv4, "240.0.0.0/16", "is reserved (240.0.0.0/4"),
        (NetworkStack.IPv4, "96.0.0.0/3", "includes loopback (127.0.0.0/8)"),
        (NetworkStack.IPv6, "fe80::/64", "is link-local (fe80::/10)"),
        (NetworkStack.IPv6, "ff02::/112", "is multicast (ff00::/8)"),
        (NetworkStack.IPv6, "::/64", "includes the unspecified address (::)"),
    ];

    [Theory]
    [MemberData(nameof(CidrRejects))]
    public async Task Rejects_cidr(string field, NetworkStack stack, string value, string fragment) =>
        await AssertRejected(TestDrafts.On(stack, d => TestDrafts.Set(d, field, value)), field, fragment);

    [Theory]
    [InlineData("10.20.0.0/16", "10.20.128.0/20")] // services inside containers
    [InlineData("10.8.0.0/16", "10.0.0.0/12")]     // containers inside services: the other direction
    public async Task Rejects_overlapping_containers_and_services(string containers, string services)
    {
        var draft = TestDrafts.Valid(d => d.ContainersCidr = containers, d => d.ServicesCidr = services);
        var errors = await AssertRejected(draft, Services, "overlap");
        Assert.Contains(errors, e => e.Contains(containers, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Containers, NetworkStack.IPv4, "10.20.0.0/16")]
    [InlineData(Services, NetworkStack.IPv4, "10.21.0.0/16")]
    [InlineData(Containers, NetworkStack.IPv4, "172.16.0.0/12")]
    [InlineData(Containers, NetworkStack.IPv4, "192.168.0.0/16")]
    [InlineData(Services, NetworkStack.IPv4, "192.168.0.0/16")]
    [InlineData(Services, NetworkStack.IPv4, "10.96.0.0/12")]
    [InlineData(Containers, NetworkStack.IPv6, "2001:DB8:0:0::/64")]
    [InlineData(Services, NetworkStack.IPv6, "fd00:10:96::/112")]
    public async Task Accepts_cidr(string field, NetworkStack stack, string value) =>
        await AssertAccepted(TestDrafts.On(stack, d => TestDrafts.Set(d, field, value)), field);

    [Fact]
    public async Task Stores_an_IPv6_cidr_canonical()
    {
        var check = await AssertAccepted(TestDrafts.ValidIPv6(d => d.ContainersCidr = "2001:DB8:0:0::/64"), Containers);

        Assert.Equal("2001:db8::/64", check.Spec!.ContainersCidr.ToString());
        Assert.Contains("\"2001:db8::/64\"", check.Spec.ToJson(), StringComparison.Ordinal);
    }

    // ── Block Size (containers 10.20.0.0/16) ──────────────────────────────────────────────────────────────

    public static TheoryData<NetworkStack, string, string, string> BlockSizeRejects() => new()
    {
        { NetworkStack.IPv4, "10.20.0.0/16", "20", "greater than 20 and less than 32" },
        { NetworkStack.IPv4, "10.20.0.0/16", "32", "greater than 20 and less than 32" },
        { NetworkStack.IPv4, "10.20.0.0/16", "0", "greater than 20 and less than 32" },
        { NetworkStack.IPv4, "10.20.0.0/16", "-1", "whole number" },
        { NetworkStack.IPv4, "10.20.0.0/16", "", "whole number" },
        { NetworkStack.IPv4, "10.20.0.0/16", "abc", "whole number" },
        { NetworkStack.IPv4, "10.20.0.0/16", "26.5", "whole number" },
        { NetworkStack.IPv4, "10.20.0.0/16", "1e1", "whole number" },
        { NetworkStack.IPv4, "10.20.0.0/16", "15", "greater than 20 and less than 32" },
        { NetworkStack.IPv4, "10.20.0.0/25", "24", "at least 25" }, // a block wider than the pool
        { NetworkStack.IPv6, Defaults.IPv6.ContainersCidr, "115", "116 to 128" },
        { NetworkStack.IPv6, Defaults.IPv6.ContainersCidr, "129", "116 to 128" },
    };

    [Theory]
    [MemberData(nameof(BlockSizeRejects))]
    public async Task Rejects_block_size(NetworkStack stack, string containers, string value, string fragment) =>
        await AssertRejected(TestDrafts.On(stack, d => d.ContainersCidr = containers, d => d.BlockSize = value), nameof(ClusterDraft.BlockSize), fragment);

    public static TheoryData<NetworkStack, string, long, long> BlockSizeAccepts() => new()
    {
        { NetworkStack.IPv4, "21", 2048, 32 },
        { NetworkStack.IPv4, "22", 1024, 64 },
        { NetworkStack.IPv4, "26", 64, 1024 },
        { NetworkStack.IPv4, "31", 2, 32768 },
        { NetworkStack.IPv6, "122", 64, 1L << 58 }, // in the default fd00:10:20::/64
    };

    [Theory]
    [MemberData(nameof(BlockSizeAccepts))]
    public async Task Accepts_block_size_with_its_capacity(NetworkStack stack, string value, long ipsPerNode, long maxNodes)
    {
        var draft = TestDrafts.On(stack, d => d.BlockSize = value);
        await AssertAccepted(draft, nameof(ClusterDraft.BlockSize));

        var capacity = ClusterRules.CapacityOf(draft);
        Assert.NotNull(capacity);
        Assert.Equal(new BigInteger(ipsPerNode), capacity.Value.IpsPerNode);
        Assert.Equal(new BigInteger(maxNodes), capacity.Value.MaxNodes);
    }

    [Fact]
    public async Task Rejects_more_planned_nodes_than_the_blocks_allow()
    {
        var draft = TestDrafts.Valid(d => d.PlannedNodes = "100", d => d.ContainersCidr = "10.20.0.0/16", d => d.BlockSize = "22");

        var errors = await AssertRejected(draft, nameof(ClusterDraft.BlockSize), "64 nodes");
        Assert.Contains(errors, e => e.Contains("block size 23", StringComparison.OrdinalIgnoreCase)); // the fix: 2^(23-16) = 128 >= 100
        Assert.Equal(new BigInteger(64), ClusterRules.CapacityOf(draft)!.Value.MaxNodes);
    }

    // ── MTU Size ──────────────────────────────────────────────────────────────────────────────────────────

    public static TheoryData<NetworkStack, string, string> MtuRejects() => new()
    {
        { NetworkStack.IPv4, "0", "576 to 9000" },
        { NetworkStack.IPv4, "-1", "whole number" },
        { NetworkStack.IPv4, "575", "576 to 9000" },
        { NetworkStack.IPv4, "9001", "576 to 9000" },
        { NetworkStack.IPv4, "65536", "576 to 9000" },
        { NetworkStack.IPv4, "1e3", "whole number" },
        { NetworkStack.IPv4, "1440abc", "whole number" },
        { NetworkStack.IPv4, "", "whole number" },
        { NetworkStack.IPv6, "1279", "1280" },
    };

    [Theory]
    [MemberData(nameof(MtuRejects))]
    public async Task Rejects_mtu(NetworkStack stack, string value, string fragment) =>
        await AssertRejected(TestDrafts.On(stack, d => d.Mtu = value), nameof(ClusterDraft.Mtu), fragment);

    [Theory]
    [InlineData("576")]
    [InlineData("1440")]
    [InlineData("1480")]
    [InlineData("1500")]
    [InlineData("9000")]
    public async Task Accepts_mtu(string value) =>
        await AssertAccepted(TestDrafts.Valid(d => d.Mtu = value), nameof(ClusterDraft.Mtu));

    [Fact]
    public async Task Warns_but_accepts_ip_in_ip_with_mtu_1500_on_a_1500_byte_underlay()
    {
        var draft = TestDrafts.Valid(d => d.ChangeEncapsulationMode(EncapsulationMode.Always), d => d.Mtu = "1500", d => d.NodeNetworkMtu = "1500");

        var check = await AssertAccepted(draft, nameof(ClusterDraft.Mtu));
        var warning = Assert.Single(check.Warnings, w => w.PropertyName == nameof(ClusterDraft.Mtu));
        Assert.Contains("1480", warning.ErrorMessage, StringComparison.Ordinal); // what the MTU should be
    }

    // ── Interface Detection Method: can-reach ─────────────────────────────────────────────────────────────

    /// <summary>254 characters of well-formed labels: too long only as a whole (RFC 1123 allows 253).</summary>
    public static readonly string Name254 = $"{new string('a', 63)}.{new string('b', 63)}.{new string('c', 63)}.{new string('d', 62)}";

    public static TheoryData<NetworkStack, string, string> CanReachRejects() => new()
    {
        { NetworkStack.IPv4, "", "host name" },
        { NetworkStack.IPv4, "8.8.8.8:53", "port" },
        { NetworkStack.IPv4, "http://8.8.8.8", "scheme" },
        { NetworkStack.IPv4, "-bad.example.com", "-bad" },
        { NetworkStack.IPv4, "bad..example.com", "empty label" },
        { NetworkStack.IPv4, "300.1.1.1", "300" },
        { NetworkStack.IPv4, Name254, "253" },
        { NetworkStack.IPv4, "2001:4860:4860::8888", "network stack is IPv4" },
    };

    [Theory]
    [MemberData(nameof(CanReachRejects))]
    public async Task Rejects_can_reach(NetworkStack stack, string value, string fragment)
    {
        Assert.Equal(254, Name254.Length);
        await AssertRejected(TestDrafts.On(stack, CanReach(value)), Detection, fragment);
    }

    [Theory]
    [InlineData(NetworkStack.IPv4, "8.8.8.8")]
    [InlineData(NetworkStack.IPv4, "www.google.com")]
    [InlineData(NetworkStack.IPv6, "2001:4860:4860::8888")]
    public async Task Accepts_can_reach(NetworkStack stack, string value) =>
        await AssertAccepted(TestDrafts.On(stack, CanReach(value)), Detection);

    // ── Interface Detection Method: interface / skip-interface (Go RE2) ───────────────────────────────────

    private static readonly (string Pattern, string Fragment)[] NotGoRegexes =
    [
        ("", "Enter"), // "Enter a regular expression" / "Enter one or more regular expressions"
        ("(?=eth)", "Look-around"),
        ("(?!lo)", "Look-around"),
        ("(?<=x)eth", "Look-around"),
        (@"(\w)\1", "Back-reference"),
        ("(?>eth)", "Atomic group"),
        ("eth++", "use eth+"),
        ("eth[0-", "Invalid regular expression"),
        ("(eth", "Invalid regular expression"),
    ];

    public static TheoryData<NodeAddressDetection, string, string> PatternRejects()
    {
        var data = new TheoryData<NodeAddressDetection, string, string>();
        foreach (var method in new[] { NodeAddressDetection.Interface, NodeAddressDetection.SkipInterface })
            foreach (var (pattern, fragment) in NotGoRegexes)
                data.Add(method, pattern, fragment);
        data.Add(NodeAddressDetection.SkipInterface, "eth.*,,ens.*", "empty");
        return data;
    }

    [Theory]
    [MemberData(nameof(PatternRejects))]
    public async Task Rejects_interface_pattern(NodeAddressDetection method, string pattern, string fragment) =>
        await AssertRejected(TestDrafts.Valid(Detect(method, pattern)), Detection, fragment);

    public static TheoryData<NodeAddressDetection, string> PatternAccepts()
    {
        var data = new TheoryData<NodeAddressDetection, string>();
        foreach (var method in new[] { NodeAddressDetection.Interface, NodeAddressDetection.SkipInterface })
            foreach (var pattern in new[] { "eth.*", "en.*|eth.*", "^ens[0-9]+$", "(a+)+$" })
                data.Add(method, pattern);
        data.Add(NodeAddressDetection.SkipInterface, "enp6s0f0,eth.*");
        return data;
    }

    [Theory]
    [MemberData(nameof(PatternAccepts))]
    public async Task Accepts_interface_pattern(NodeAddressDetection method, string pattern) =>
        await AssertAccepted(TestDrafts.Valid(Detect(method, pattern)), Detection);

    [Fact]
    public async Task Judges_a_pathological_pattern()
    {
        // RE2 has no catastrophic backtracking, so (a+)+$ is a valid pattern; it is judged (speed is measured elsewhere).
        await AssertAccepted(TestDrafts.Valid(Detect(NodeAddressDetection.Interface, "(a+)+$")), Detection);

        var matches = NodeAddressDetectionRule.MatchingSamples(NodeAddressDetection.Interface, "(a+)+$");
        Assert.NotNull(matches);
        Assert.Empty(matches); // no sample interface name ends in 'a'
    }

    // ── Cluster ───────────────────────────────────────────────────────────────────────────────────────────

    public static TheoryData<string, string> NameRejects() => new()
    {
        { "", "Enter a cluster name" },
        { "My_Cluster", "did you mean my-cluster" },
        { "-edge", "did you mean edge" },
        { "edge-", "did you mean edge" },
        { new string('a', 64), "at most 63" },
        { "<script>alert(1)</script>", "lowercase letters, digits and '-'" },
    };

    [Theory]
    [MemberData(nameof(NameRejects))]
    public async Task Rejects_cluster_name(string name, string fragment) =>
        await AssertRejected(TestDrafts.Valid(d => d.Name = name), nameof(ClusterDraft.Name), fragment);

    [Theory]
    [InlineData("edge-01")]
    [InlineData("prod")]
    public async Task Accepts_cluster_name(string name) =>
        await AssertAccepted(TestDrafts.Valid(d => d.Name = name), nameof(ClusterDraft.Name));

    [Fact]
    public async Task Refuses_a_forged_Azure_Calico_draft()
    {
        var forged = TestDrafts.Valid(d => d.Provider = "Azure", d => d.L2Network = "prod-vnet", d => d.Backend = NetworkBackend.Calico);

        await AssertRejected(forged, nameof(ClusterDraft.Backend), "Calico is not offered on Azure");
    }

    [Theory]
    [InlineData("GCP")]
    [InlineData("azure")] // not the matrix's spelling
    [InlineData("")]
    public async Task Refuses_a_provider_that_is_not_offered(string provider)
    {
        Assert.Null(ProviderMatrix.Seed.Find(provider));
        await AssertRejected(TestDrafts.Valid(d => d.Provider = provider), nameof(ClusterDraft.Provider), "Choose a provider");
    }

    // ── helpers ───────────────────────────────────────────────────────────────────────────────────────────

    private static Action<ClusterDraft> CanReach(string value) => Detect(NodeAddressDetection.CanReach, value);

    private static Action<ClusterDraft> Detect(NodeAddressDetection method, string value) => d =>
    {
        d.NodeAddressDetection = method;
        d.NodeAddressDetectionValue = value;
    };

    /// <summary>The field has an error containing the fragment; nothing else is wrong; no spec is built.</summary>
    private static async Task<IReadOnlyList<string>> AssertRejected(ClusterDraft draft, string field, string fragment)
    {
        var check = await draft.CheckAsync();

        var errors = check.ErrorsFor(field);
        Assert.True(errors.Count > 0, $"{field} should be rejected; errors: [{Describe(check)}]");
        Assert.False(check.IsValid);
        Assert.Null(check.Spec);
        Assert.True(check.Errors.All(e => e.PropertyName == field), $"only {field} should be wrong; errors: [{Describe(check)}]");
        Assert.True(errors.Any(e => e.Contains(fragment, StringComparison.OrdinalIgnoreCase)),
            $"a {field} error should contain '{fragment}'; errors: [{string.Join(" | ", errors)}]");

        // The wizard's per-field check (live validation) must agree with the whole-draft check.
        var fieldErrors = await new ClusterRules(ProviderMatrix.Seed, EmptyClusterRegistry.Instance).CheckFieldAsync(draft, field);
        Assert.Equal(errors, fieldErrors);
        return errors;
    }

    /// <summary>The field has no error, and the draft as a whole is valid and yields a spec.</summary>
    private static async Task<DraftCheck> AssertAccepted(ClusterDraft draft, string field)
    {
        var check = await draft.CheckAsync();

        Assert.Empty(check.ErrorsFor(field));
        Assert.True(check.IsValid, $"the draft should be valid; errors: [{Describe(check)}]");
        Assert.NotNull(check.Spec);
        return check;
    }

    private static string Describe(DraftCheck check) =>
        string.Join(" | ", check.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}"));
}
