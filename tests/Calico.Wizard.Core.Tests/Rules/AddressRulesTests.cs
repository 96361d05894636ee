using Calico.Wizard.Core.Drafts;

namespace Calico.Wizard.Core.Tests.Rules;

/// <summary>Ranges and sizes beyond the corpus: the services range's size, the planned nodes, a bracketed IPv6 CIDR.</summary>
public sealed class AddressRulesTests
{
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

    [Fact]
    public async Task A_bracketed_IPv6_cidr_is_rejected()
    {
        var check = await TestDrafts.ValidIPv6(d => d.ContainersCidr = "[2001:db8::]/64").CheckAsync();

        Assert.Contains("brackets", Assert.Single(check.ErrorsFor(nameof(ClusterDraft.ContainersCidr))), StringComparison.Ordinal);
    }
}
