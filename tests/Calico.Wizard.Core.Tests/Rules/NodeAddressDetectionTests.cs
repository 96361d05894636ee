using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;

namespace Calico.Wizard.Core.Tests.Rules;

/// <summary>
/// Node address detection beyond the corpus (regressions of bugs these tests found): can-reach targets without
/// line breaks, brackets or ports; interface patterns as Go's RE2 reads them, the sample names they pick, no timeout.
/// </summary>
public sealed class NodeAddressDetectionTests
{
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
}
