using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;

namespace Calico.Wizard.Core.Tests.Rules;

/// <summary>
/// Each provider's own rules (Flannel on Azure; AWS's virtual machines, VPC ids and protocol 4), the network
/// name's bound before any provider's pattern runs, and a provider pattern the linear engine cannot run.
/// </summary>
public sealed class ProviderTests
{
    private const string AwsVpc = "vpc-0a1b2c3d4e5f67890";

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

    private static ClusterDraft Aws(params Action<ClusterDraft>[] changes) =>
        TestDrafts.Valid([d => d.Provider = "AWS", d => d.L2Network = AwsVpc, d => d.MachineKind = MachineKind.Virtual, .. changes]);
}
