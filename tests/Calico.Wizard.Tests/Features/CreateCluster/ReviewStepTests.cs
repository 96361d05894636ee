using System.Globalization;
using Bunit;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Features.CreateCluster;
using static Calico.Wizard.Tests.Features.CreateCluster.ClusterStepTests;
using static Calico.Wizard.Tests.WizardDom;

namespace Calico.Wizard.Tests.Features.CreateCluster;

public sealed class ReviewStepTests : WizardTestContext
{
    [Fact]
    public async Task Review_step_should_show_table_and_installation_yaml_when_draft_is_valid()
    {
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        var id = await SaveDraftAsync(ValidDraft(d => d.BlockSize = "22"), WizardStep.Review);
        var state = await LoadStateAsync(id);

        var cut = RenderStep<ReviewStep>(state);

        var rows = ReviewRows(cut);
        Assert.Equal("edge-01", rows["Cluster name"]);
        Assert.Equal("BareOS", rows["Provider"]);
        Assert.Equal("rack-a-vlan-120", rows["L2 network name"]); // the provider's own label
        Assert.Equal("10.20.0.0/16", rows["Containers CIDR"]);
        Assert.Equal("10.21.0.0/16", rows["Services CIDR"]);
        Assert.Equal("Calico", rows["Network backend"]);
        Assert.Equal("/22 (1,024 IPs per node · up to 64 nodes)", rows["Block Size"]);
        Assert.Equal("first-found", rows["Interface Detection Method"]);

        var yaml = cut.ByTestId("review-yaml").TextContent;
        Assert.Contains("kind: Installation", yaml);
        Assert.Contains("cidr: 10.20.0.0/16", yaml);
        Assert.Contains("blockSize: 22", yaml);
        Assert.False(cut.Has("review-errors"));
        Assert.Equal($"/api/drafts/{id}/manifests.yaml", cut.ByTestId("download-yaml").GetAttribute("href"));
    }

    [Fact]
    public async Task Review_step_should_show_flannel_yaml_when_provider_is_azure()
    {
        var draft = ValidDraft(d => d.ChangeProvider(Core.Providers.ProviderMatrix.Seed.Find("Azure")!, [NetworkBackend.Flannel]));
        var state = await LoadStateAsync(await SaveDraftAsync(draft, WizardStep.Review));

        var cut = RenderStep<ReviewStep>(state);

        var rows = ReviewRows(cut);
        Assert.Equal("Flannel", rows["Network backend"]);
        Assert.False(rows.ContainsKey("Block Size")); // Calico's options are not shown for Flannel
        var yaml = cut.ByTestId("review-yaml").TextContent;
        Assert.DoesNotContain("kind: Installation", yaml);
        Assert.Contains("kind: ConfigMap", yaml);
    }

    [Fact]
    public async Task Wizard_page_should_open_review_with_yaml_when_next_through_network_and_policies()
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Network);

        await cut.ClickAsync("next");
        cut.WaitForElement(By("step-policies"));
        Assert.True(cut.Has("policies-empty")); // policies are optional
        await cut.ClickAsync("next");

        cut.WaitForElement(By("step-review"));
        Assert.Contains("kind: Installation", cut.ByTestId("review-yaml").TextContent);
        Assert.False(cut.ByTestId("submit").IsDisabled());
        Assert.Equal("Review", cut.ByTestId("wizard").GetAttribute("data-step"));
    }

    [Fact]
    public async Task Wizard_page_should_stay_on_network_when_next_with_invalid_containers_cidr()
    {
        var cut = await RenderWizardAsync(ValidDraft(d => d.ContainersCidr = "10.0.0.1/16"), WizardStep.Network);

        await cut.ClickAsync("next");

        cut.WaitForElement(By("next-blocked"));
        Assert.True(cut.Has("step-network"));
        Assert.False(cut.Has("step-review"));
        Assert.Contains("did you mean 10.0.0.0/16", cut.TextOf("containers-cidr-error"));
    }
}
