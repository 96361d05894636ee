using Bunit;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Features.CreateCluster;
using static Calico.Wizard.Tests.WizardDom;

namespace Calico.Wizard.Tests;

public sealed class DraftPersistenceTests : WizardTestContext
{
    [Fact]
    public async Task Draft_persistence_should_save_change_when_field_is_typed()
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Network);
        var id = cut.Instance.DraftId;

        await cut.TypeAsync("block-size", "22");
        await cut.ClickAsync("ipip-never");
        cut.WaitForAssertion(() => Assert.True(cut.ByTestId("ipip-never").IsChecked()));

        var reloaded = await LoadStateAsync(id);
        Assert.Equal("22", reloaded.Draft.BlockSize);
        Assert.Equal(IpInIpMode.Never, reloaded.Draft.IpInIpMode);
        Assert.False(reloaded.Draft.NatOutgoing);
        Assert.Equal(WizardStep.Network, reloaded.Step);
    }

    [Fact]
    public async Task Draft_persistence_should_see_change_when_new_state_loads_same_id()
    {
        var id = Guid.NewGuid();
        var first = await LoadStateAsync(id);
        Assert.Null(await Drafts.LoadAsync(id)); // opening a new draft stores nothing

        await first.ChangeAsync(nameof(ClusterDraft.Name), d => d.Name = "edge-02");
        await first.ChangeAsync(nameof(ClusterDraft.ContainersCidr), d => d.ContainersCidr = "10.30.0.0/16");

        var second = await LoadStateAsync(id);
        Assert.Equal("edge-02", second.Draft.Name);
        Assert.Equal("10.30.0.0/16", second.Draft.ContainersCidr);
        Assert.Equal(id, second.Draft.Id);
    }

    [Fact]
    public async Task Draft_persistence_should_resume_on_saved_step_when_page_is_reloaded()
    {
        var id = Guid.NewGuid();
        var cut = await PassClusterStepAsync(id, "edge-03", "rack-b");
        await cut.TypeAsync("services-cidr", "10.99.0.0/16");

        var reload = Render<WizardPage>(p => p.Add(w => w.DraftId, id)); // a second circuit on the same URL

        reload.WaitForElement(By("step-network"));
        Assert.Equal("10.99.0.0/16", reload.ByTestId("services-cidr").GetAttribute("value"));
        await reload.ClickAsync("goto-cluster");
        reload.WaitForElement(By("step-cluster"));
        Assert.Equal("edge-03", reload.ByTestId("cluster-name").GetAttribute("value"));
        Assert.Equal("rack-b", reload.ByTestId("l2-network").GetAttribute("value"));
    }
}
