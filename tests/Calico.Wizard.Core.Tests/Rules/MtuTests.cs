using Calico.Wizard.Core.Drafts;

namespace Calico.Wizard.Core.Tests.Rules;

/// <summary>The MTU warning: a pod MTU larger than the node network carries once encapsulation is counted.</summary>
public sealed class MtuTests
{
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
}
