using Bunit;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;
using static Calico.Wizard.Tests.WizardDom;

namespace Calico.Wizard.Tests.Features.CreateCluster;

/// <summary>A deployment that configures Azure for Calico with VXLAN only: the wizard offers exactly that.</summary>
public sealed class ProviderEncapsulationTests() : WizardTestContext(TestMatrices.AzureWithVxlan())
{
    [Fact]
    public async Task Picking_azure_moves_the_pool_to_vxlan_and_offers_no_ip_in_ip()
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Cluster);

        await cut.ClickAsync("provider-azure");
        await cut.TypeAsync("l2-network", "prod-vnet");
        await cut.ClickAsync("next");
        cut.WaitForElement(By("step-network"));
        await cut.ClickAsync("advanced-toggle");

        cut.WaitForAssertion(() =>
        {
            Assert.True(cut.ByTestId("backend-calico").IsChecked());
            Assert.True(cut.ByTestId("overlay-vxlan").IsChecked());
            Assert.True(cut.ByTestId("overlay-ipip").IsDisabled());
            Assert.Equal("Azure permits VXLAN, VXLANCrossSubnet.", cut.TextOf("overlay-permitted"));
            Assert.Contains("VXLAN Encapsulation Mode", cut.ByTestId("ipip-mode").Text());
        });
        Assert.Empty(cut.FindAll("[data-testid$='-error']"));

        await cut.ClickAsync("ipip-never"); // no encapsulation: not among what Azure permits
        cut.WaitForAssertion(() => Assert.Contains("Azure permits only VXLAN, VXLANCrossSubnet encapsulation, not None", cut.TextOf("ipip-mode-error")));
    }
}
