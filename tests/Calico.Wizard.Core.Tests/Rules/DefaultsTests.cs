using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;

namespace Calico.Wizard.Core.Tests.Rules;

/// <summary>
/// What a draft the operator has not touched yet refuses and warns about: its empty name and network, and the
/// ports Calico needs (rules of design.md the input corpus does not cover).
/// </summary>
public sealed class DefaultsTests
{
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

    [Fact]
    public async Task Typha_port_warning_is_for_Calico_only()
    {
        var calico = await TestDrafts.Valid().CheckAsync();
        var flannel = await TestDrafts.Valid(d => d.Backend = NetworkBackend.Flannel).CheckAsync();

        Assert.Contains(calico.Warnings, w => w.PropertyName == nameof(ClusterDraft.Backend) && w.ErrorMessage.Contains("5473", StringComparison.Ordinal));
        Assert.True(flannel.IsValid);
        Assert.DoesNotContain(flannel.Warnings, w => w.ErrorMessage.Contains("5473", StringComparison.Ordinal));
    }
}
