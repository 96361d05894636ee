using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;

namespace Calico.Wizard.Core.Tests.Rules;

/// <summary>The rules of design.md that the input corpus does not cover.</summary>
public sealed class RulesTests
{
    private const string AwsVpc = "vpc-0a1b2c3d4e5f67890";

    // ── defaults ──────────────────────────────────────────────────────────────────────────────────────────

    [Fact]
    public async Task The_default_draft_is_invalid_only_for_its_empty_name_and_network()
    {
        var check = await new ClusterDraft().CheckAsync();

        Assert.Equal(
            [nameof(ClusterDraft.L2Network), nameof(ClusterDraft.Name)],
            check.Errors.Select(e => e.PropertyName).Distinct().Order());
        Assert.False(check.StepIsValid(WizardStep.Cluster));
        Assert.True(check.StepIsValid(WizardStep.Network));
    }

    [Fact]
    public async Task The_valid_draft_warns_only_about_the_ports_Calico_needs()
    {
        var check = await TestDrafts.Valid().CheckAsync();

        Assert.True(check.IsValid);
        var warning = Assert.Single(check.Warnings);
        Assert.Equal(nameof(ClusterDraft.Backend), warning.PropertyName);
        Assert.Contains("5473", warning.ErrorMessage, StringComparison.Ordinal); // Typha
        Assert.Contains("179", warning.ErrorMessage, StringComparison.Ordinal);  // BGP
        Assert.Single(check.WarningsFor(WizardStep.Network));
    }

    // ── IP-in-IP and NAT Outgoing ─────────────────────────────────────────────────────────────────────────

    [Fact]
    public async Task Choosing_Never_turns_NAT_outgoing_off()
    {
        var draft = TestDrafts.Valid();
        Assert.True(draft.NatOutgoing);

        draft.ChangeEncapsulationMode(EncapsulationMode.Never);

        Assert.Equal(EncapsulationMode.Never, draft.EncapsulationMode);
        Assert.False(draft.NatOutgoing);
        var check = await draft.CheckAsync();
        Assert.True(check.IsValid);
        Assert.False(check.Spec!.Calico!.NatOutgoing);
    }

    [Theory]
    [InlineData(EncapsulationMode.Always)]
    [InlineData(EncapsulationMode.CrossSubnet)]
    public void Choosing_an_encapsulating_mode_leaves_NAT_outgoing_alone(EncapsulationMode mode)
    {
        var draft = TestDrafts.Valid();

        draft.ChangeEncapsulationMode(mode);

        Assert.Equal(mode, draft.EncapsulationMode);
        Assert.True(draft.NatOutgoing);
    }

    [Fact]
    public async Task Never_with_NAT_outgoing_on_is_an_error()
    {
        var check = await TestDrafts.Valid(d => d.EncapsulationMode = EncapsulationMode.Never, d => d.NatOutgoing = true).CheckAsync();

        Assert.False(check.IsValid);
        Assert.Contains("turn it off", Assert.Single(check.ErrorsFor(nameof(ClusterDraft.NatOutgoing))), StringComparison.Ordinal);
        Assert.Null(check.Spec);
    }

    [Theory]
    [InlineData(EncapsulationMode.Always)]
    [InlineData(EncapsulationMode.CrossSubnet)]
    public async Task IPv6_cannot_use_ip_in_ip(EncapsulationMode mode)
    {
        var check = await TestDrafts.ValidIPv6(d => d.EncapsulationMode = mode).CheckAsync();

        Assert.False(check.IsValid);
        Assert.Contains("choose Never", Assert.Single(check.ErrorsFor(nameof(ClusterDraft.EncapsulationMode))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IPv6_with_Never_is_valid()
    {
        var check = await TestDrafts.ValidIPv6().CheckAsync();

        Assert.True(check.IsValid, string.Join(" | ", check.Errors.Select(e => e.ErrorMessage)));
        Assert.Equal(EncapsulationMode.Never, check.Spec!.Calico!.EncapsulationMode);
    }

    // ── warnings ──────────────────────────────────────────────────────────────────────────────────────────

    [Fact]
    public async Task Never_on_virtual_machines_warns_about_port_security()
    {
        var check = await TestDrafts.Valid(d => d.MachineKind = MachineKind.Virtual, d => d.ChangeEncapsulationMode(EncapsulationMode.Never)).CheckAsync();

        Assert.True(check.IsValid);
        var warning = Assert.Single(check.Warnings, w => w.PropertyName == nameof(ClusterDraft.EncapsulationMode));
        Assert.Contains("port security", warning.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MachineKind.Physical, EncapsulationMode.Never)]
    [InlineData(MachineKind.Virtual, EncapsulationMode.Always)]
    [InlineData(MachineKind.Virtual, EncapsulationMode.CrossSubnet)]
    public async Task No_port_security_warning_when_encapsulating_or_on_physical_machines(MachineKind kind, EncapsulationMode mode)
    {
        var check = await TestDrafts.Valid(d => d.MachineKind = kind, d => d.ChangeEncapsulationMode(mode)).CheckAsync();

        Assert.True(check.IsValid);
        Assert.DoesNotContain(check.Warnings, w => w.ErrorMessage.Contains("port security", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(EncapsulationMode.Always)]
    [InlineData(EncapsulationMode.CrossSubnet)]
    public async Task Ip_in_ip_on_AWS_warns_about_protocol_4(EncapsulationMode mode)
    {
        var check = await Aws(d => d.ChangeEncapsulationMode(mode)).CheckAsync();

        Assert.True(check.IsValid, string.Join(" | ", check.Errors.Select(e => e.ErrorMessage)));
        var warning = Assert.Single(check.Warnings, w => w.PropertyName == nameof(ClusterDraft.EncapsulationMode));
        Assert.Contains("protocol 4", warning.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("security group", warning.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_protocol_4_warning_without_ip_in_ip_or_off_AWS()
    {
        var awsNever = await Aws(d => d.ChangeEncapsulationMode(EncapsulationMode.Never)).CheckAsync();
        var bareOsAlways = await TestDrafts.Valid(d => d.ChangeEncapsulationMode(EncapsulationMode.Always)).CheckAsync();

        Assert.True(awsNever.IsValid);
        Assert.True(bareOsAlways.IsValid);
        Assert.DoesNotContain(awsNever.Warnings, w => w.ErrorMessage.Contains("protocol 4", StringComparison.Ordinal));
        Assert.DoesNotContain(bareOsAlways.Warnings, w => w.ErrorMessage.Contains("protocol 4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Typha_port_warning_is_for_Calico_only()
    {
        var calico = await TestDrafts.Valid().CheckAsync();
        var flannel = await TestDrafts.Valid(d => d.Backend = NetworkBackend.Flannel).CheckAsync();

        Assert.Contains(calico.Warnings, w => w.PropertyName == nameof(ClusterDraft.Backend) && w.ErrorMessage.Contains("5473", StringComparison.Ordinal));
        Assert.True(flannel.IsValid);
        Assert.DoesNotContain(flannel.Warnings, w => w.ErrorMessage.Contains("5473", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_pod_mtu_above_the_underlay_warns_without_ip_in_ip()
    {
        var check = await TestDrafts.Valid(d => d.ChangeEncapsulationMode(EncapsulationMode.Never), d => d.MachineKind = MachineKind.Physical,
            d => d.Mtu = "9000", d => d.NodeNetworkMtu = "1500").CheckAsync();

        Assert.True(check.IsValid);
        var warning = Assert.Single(check.Warnings, w => w.PropertyName == nameof(ClusterDraft.Mtu));
        Assert.Contains("1500", warning.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(EncapsulationMode.Always, "1480")]
    [InlineData(EncapsulationMode.Never, "1500")]
    public async Task No_mtu_warning_when_the_packets_fit(EncapsulationMode mode, string mtu)
    {
        var check = await TestDrafts.Valid(d => d.ChangeEncapsulationMode(mode), d => d.Mtu = mtu, d => d.NodeNetworkMtu = "1500").CheckAsync();

        Assert.True(check.IsValid);
        Assert.DoesNotContain(check.Warnings, w => w.PropertyName == nameof(ClusterDraft.Mtu));
    }

    // ── providers ─────────────────────────────────────────────────────────────────────────────────────────

    [Fact]
    public async Task Flannel_on_Azure_is_valid()
    {
        var check = await TestDrafts.Valid(d => d.Provider = "Azure", d => d.L2Network = "prod-vnet", d => d.Backend = NetworkBackend.Flannel).CheckAsync();

        Assert.True(check.IsValid, string.Join(" | ", check.Errors.Select(e => e.ErrorMessage)));
        Assert.Equal(NetworkBackend.Flannel, check.Spec!.Backend);
        Assert.Equal("Azure", check.Spec.Provider);
        Assert.Null(check.Spec.Calico);
    }

    [Fact]
    public async Task Aws_offers_virtual_machines_only()
    {
        var check = await Aws(d => d.MachineKind = MachineKind.Physical).CheckAsync();

        Assert.Contains("virtual", Assert.Single(check.ErrorsFor(nameof(ClusterDraft.MachineKind))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Aws_network_must_be_a_vpc_id()
    {
        var check = await Aws(d => d.L2Network = "rack-1").CheckAsync();

        Assert.Contains(AwsVpc, Assert.Single(check.ErrorsFor(nameof(ClusterDraft.L2Network))), StringComparison.Ordinal);
    }

    // ── network stack ─────────────────────────────────────────────────────────────────────────────────────

    [Fact]
    public void Changing_the_stack_swaps_the_defaults_in_both_directions()
    {
        var draft = TestDrafts.Valid();

        draft.ChangeNetworkStack(NetworkStack.IPv6);

        Assert.Equal(NetworkStack.IPv6, draft.NetworkStack);
        Assert.Equal("fd00:10:20::/64", draft.ContainersCidr);
        Assert.Equal("fd00:10:21::/112", draft.ServicesCidr);
        Assert.Equal("122", draft.BlockSize);
        Assert.Equal(EncapsulationMode.Never, draft.EncapsulationMode);
        Assert.False(draft.NatOutgoing);

        draft.ChangeNetworkStack(NetworkStack.IPv4);

        Assert.Equal(NetworkStack.IPv4, draft.NetworkStack);
        Assert.Equal("10.20.0.0/16", draft.ContainersCidr);
        Assert.Equal("10.21.0.0/16", draft.ServicesCidr);
        Assert.Equal("26", draft.BlockSize);
    }

    [Fact]
    public void Changing_the_stack_keeps_what_the_operator_typed()
    {
        var draft = TestDrafts.Valid(d => d.ContainersCidr = "10.30.0.0/16", d => d.BlockSize = "24");

        draft.ChangeNetworkStack(NetworkStack.IPv6);

        Assert.Equal("10.30.0.0/16", draft.ContainersCidr);
        Assert.Equal("24", draft.BlockSize);
        Assert.Equal("fd00:10:21::/112", draft.ServicesCidr); // still at its default, so swapped
    }

    [Fact]
    public async Task Both_stacks_defaults_are_valid()
    {
        foreach (var stack in new[] { NetworkStack.IPv6, NetworkStack.IPv4 })
        {
            var draft = TestDrafts.Valid();
            draft.ChangeNetworkStack(stack);
            var check = await draft.CheckAsync();
            Assert.True(check.IsValid, $"{stack}: {string.Join(" | ", check.Errors.Select(e => e.ErrorMessage))}");
        }
    }

    // ── address rules beyond the corpus ───────────────────────────────────────────────────────────────────

    [Theory]
    [InlineData(NetworkStack.IPv4, "10.96.0.0/11", false)]
    [InlineData(NetworkStack.IPv4, "10.96.0.0/12", true)]
    [InlineData(NetworkStack.IPv6, "fd00:10:96::/107", false)]
    [InlineData(NetworkStack.IPv6, "fd00:10:96::/108", true)]
    public async Task Services_cidr_holds_at_most_2_to_the_20_addresses(NetworkStack stack, string services, bool valid)
    {
        var check = await TestDrafts.On(stack, d => d.ServicesCidr = services).CheckAsync();

        Assert.Equal(valid, check.ErrorsFor(nameof(ClusterDraft.ServicesCidr)).Count == 0);
        Assert.Equal(valid, check.IsValid);
    }

    [Theory]
    [InlineData("0", false)]
    [InlineData("1", true)]
    [InlineData("5000", true)]
    [InlineData("5001", false)]
    [InlineData("3.5", false)]
    public async Task Planned_nodes_is_a_whole_number_from_1_to_5000(string nodes, bool valid)
    {
        // block 31 in a /16 leaves room for 32768 nodes, so only the node count itself is judged
        var check = await TestDrafts.Valid(d => d.PlannedNodes = nodes, d => d.BlockSize = "31").CheckAsync();

        Assert.Equal(valid, check.ErrorsFor(nameof(ClusterDraft.PlannedNodes)).Count == 0);
        Assert.Equal(valid, check.IsValid);
    }

    // ── strictness beyond the corpus (regressions of bugs these tests found) ──────────────────────────────

    [Theory]
    [InlineData("edge-01\n", "did you mean edge-01")] // "$" matched before a final newline
    [InlineData(" edge-01", "did you mean edge-01")]
    public async Task A_cluster_name_with_a_line_break_or_space_is_rejected(string name, string fix)
    {
        var check = await TestDrafts.Valid(d => d.Name = name).CheckAsync();

        Assert.False(check.IsValid);
        Assert.Contains(fix, Assert.Single(check.ErrorsFor(nameof(ClusterDraft.Name))), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(NetworkStack.IPv4, "www\n.google.com", "not a valid host name label")]
    [InlineData(NetworkStack.IPv6, "[2001:4860:4860::8888]", "brackets")] // calico-node dials "[dest]:80" itself
    [InlineData(NetworkStack.IPv6, "2001:4860:4860::8888]", "brackets")]
    [InlineData(NetworkStack.IPv6, "[2001:4860:4860::8888]:53", "Remove the port ':53'")]
    public async Task Can_reach_rejects_line_breaks_brackets_and_ports(NetworkStack stack, string value, string fragment)
    {
        var check = await TestDrafts.On(stack, d => d.NodeAddressDetection = NodeAddressDetection.CanReach, d => d.NodeAddressDetectionValue = value).CheckAsync();

        Assert.False(check.IsValid);
        Assert.Contains(fragment, Assert.Single(check.ErrorsFor(nameof(ClusterDraft.NodeAddressDetectionValue))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bracketed_IPv6_cidr_is_rejected()
    {
        var check = await TestDrafts.ValidIPv6(d => d.ContainersCidr = "[2001:db8::]/64").CheckAsync();

        Assert.Contains("brackets", Assert.Single(check.ErrorsFor(nameof(ClusterDraft.ContainersCidr))), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(?'n'eth)", false)] // .NET-only named group
    [InlineData("(?P<n>eth)", true)]
    [InlineData("(?<n>eth)", true)]  // Go 1.22+
    [InlineData("(?i)ETH[0-9]", true)]
    [InlineData("(?x) eth", false)]
    [InlineData(@"eth\Z", false)]
    [InlineData("eth{1001}", false)]
    public async Task Interface_patterns_follow_Go_RE2_for_named_groups_flags_and_escapes(string pattern, bool valid)
    {
        var check = await TestDrafts.Valid(d => d.NodeAddressDetection = NodeAddressDetection.Interface, d => d.NodeAddressDetectionValue = pattern).CheckAsync();

        Assert.Equal(valid, check.ErrorsFor(nameof(ClusterDraft.NodeAddressDetectionValue)).Count == 0);
        Assert.Equal(valid, check.IsValid);
    }

    [Fact]
    public void Interface_patterns_show_which_sample_names_they_pick()
    {
        Assert.Equal(["eth0"], NodeAddressDetectionRule.MatchingSamples(NodeAddressDetection.Interface, "eth.*"));
        Assert.Equal(["eth0", "enp6s0f0"], NodeAddressDetectionRule.MatchingSamples(NodeAddressDetection.SkipInterface, "enp6s0f0,eth.*"));
        Assert.Null(NodeAddressDetectionRule.MatchingSamples(NodeAddressDetection.Interface, "(?=eth)"));
        Assert.Null(NodeAddressDetectionRule.MatchingSamples(NodeAddressDetection.CanReach, "8.8.8.8"));
    }

    [Theory]
    [InlineData("eth.*")]
    [InlineData("(a+)+$")]
    public void Interface_patterns_have_no_wall_clock_timeout_that_a_busy_cpu_could_hit(string pattern)
    {
        // A timeout here threw RegexMatchTimeoutException from the step's preview under CPU load; the engine is linear.
        var regex = GoRegex.Compile(pattern).Regex!;
        Assert.Equal(System.Text.RegularExpressions.RegexOptions.NonBacktracking, regex.Options & System.Text.RegularExpressions.RegexOptions.NonBacktracking);
        Assert.Equal(System.Text.RegularExpressions.Regex.InfiniteMatchTimeout, regex.MatchTimeout);
    }

    [Fact]
    public async Task A_network_name_longer_than_any_provider_allows_is_refused_before_its_pattern_runs()
    {
        var check = await TestDrafts.Valid(d => d.L2Network = new string('a', ProviderMatrix.MaxNetworkLength + 1)).CheckAsync();

        var error = Assert.Single(check.ErrorsFor(nameof(ClusterDraft.L2Network)));
        Assert.Contains("At most 255 characters", error);
        Assert.DoesNotContain(new string('a', 100), error); // the text is not echoed back
    }

    [Fact]
    public void A_provider_network_pattern_the_linear_engine_cannot_run_is_a_configuration_error_at_start_up()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            new ProviderMatrix([new ProviderOption { Name = "Lab", NetworkPattern = "^(?=rack).+$" }]));
        Assert.Contains("NetworkPattern of Lab", e.Message);
    }

    // ── the cluster registry (seed prerequisite: one L2 network, no overlapping ranges) ───────────────────

    [Theory]
    [InlineData("10.20.0.0/16", "10.30.0.0/16", nameof(ClusterDraft.ContainersCidr), "containers CIDR 10.20.0.0/16")]  // same containers range
    [InlineData("10.50.0.0/16", "10.20.128.0/20", nameof(ClusterDraft.ContainersCidr), "services CIDR 10.20.128.0/20")] // our pods in their services
    [InlineData("10.21.0.0/24", "10.60.0.0/16", nameof(ClusterDraft.ServicesCidr), "containers CIDR 10.21.0.0/24")]   // our services around their pods
    public async Task A_cluster_on_the_same_network_with_an_overlapping_range_is_named(string theirContainers, string theirServices, string field, string theirRange)
    {
        var registry = new FakeClusterRegistry(("BareOS", FakeClusterRegistry.Cluster("core-01", "rack-1", theirContainers, theirServices)));

        var check = await TestDrafts.Valid().CheckAsync(registry);

        Assert.False(check.IsValid);
        Assert.True(check.Errors.All(e => e.PropertyName == field), string.Join(" | ", check.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
        var error = Assert.Single(check.ErrorsFor(field));
        Assert.Contains("'core-01'", error, StringComparison.Ordinal);
        Assert.Contains(theirRange, error, StringComparison.Ordinal);
        Assert.Contains("rack-1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_on_another_network_may_use_the_same_ranges()
    {
        var registry = new FakeClusterRegistry(("BareOS", FakeClusterRegistry.Cluster("core-01", "rack-2", "10.20.0.0/16", "10.21.0.0/16")));

        var check = await TestDrafts.Valid().CheckAsync(registry);

        Assert.True(check.IsValid, string.Join(" | ", check.Errors.Select(e => e.ErrorMessage)));
    }

    [Fact]
    public async Task A_cluster_on_the_same_network_with_separate_ranges_is_no_conflict()
    {
        var registry = new FakeClusterRegistry(("BareOS", FakeClusterRegistry.Cluster("core-01", "rack-1", "10.40.0.0/16", "10.41.0.0/16")));

        var check = await TestDrafts.Valid().CheckAsync(registry);

        Assert.True(check.IsValid, string.Join(" | ", check.Errors.Select(e => e.ErrorMessage)));
    }

    [Fact]
    public async Task A_draft_does_not_collide_with_itself()
    {
        var draft = TestDrafts.Valid();
        var registry = new FakeClusterRegistry(("BareOS", FakeClusterRegistry.Cluster(draft.Name, draft.L2Network, "10.20.0.0/16", "10.21.0.0/16", draft.Id)));

        var check = await draft.CheckAsync(registry);

        Assert.True(check.IsValid, string.Join(" | ", check.Errors.Select(e => e.ErrorMessage)));
    }

    [Fact]
    public async Task A_duplicate_cluster_name_is_an_error()
    {
        var registry = new FakeClusterRegistry(("BareOS", FakeClusterRegistry.Cluster("edge-01", "rack-9", "10.40.0.0/16", "10.41.0.0/16")));

        var check = await TestDrafts.Valid(d => d.Name = "edge-01").CheckAsync(registry);

        Assert.False(check.IsValid);
        Assert.Contains("'edge-01' already exists", Assert.Single(check.ErrorsFor(nameof(ClusterDraft.Name))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_name_is_no_duplicate()
    {
        var registry = new FakeClusterRegistry(("BareOS", FakeClusterRegistry.Cluster("edge-02", "rack-9", "10.40.0.0/16", "10.41.0.0/16")));

        var check = await TestDrafts.Valid(d => d.Name = "edge-01").CheckAsync(registry);

        Assert.True(check.IsValid, string.Join(" | ", check.Errors.Select(e => e.ErrorMessage)));
    }

    private static ClusterDraft Aws(params Action<ClusterDraft>[] changes) =>
        TestDrafts.Valid([d => d.Provider = "AWS", d => d.L2Network = AwsVpc, d => d.MachineKind = MachineKind.Virtual, .. changes]);
}
