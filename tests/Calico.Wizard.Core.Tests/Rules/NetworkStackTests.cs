using Calico.Wizard.Core.Drafts;

namespace Calico.Wizard.Core.Tests.Rules;

/// <summary>Switching the network stack swaps the defaults it owns, both ways, and keeps what the operator typed.</summary>
public sealed class NetworkStackTests
{
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
}
