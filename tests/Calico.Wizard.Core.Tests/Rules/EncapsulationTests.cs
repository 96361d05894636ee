using Calico.Wizard.Core.Drafts;

namespace Calico.Wizard.Core.Tests.Rules;

/// <summary>
/// IP-in-IP encapsulation and NAT outgoing: what choosing a mode turns on or off, what IPv6 allows, and the
/// port-security warning for virtual machines without encapsulation.
/// </summary>
public sealed class EncapsulationTests
{
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
}
