using Bunit;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Features.CreateCluster;
using Calico.Wizard.Provisioning.Jobs;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using static Calico.Wizard.Tests.WizardDom;

namespace Calico.Wizard.Tests.Features.CreateCluster;

/// <summary>Suggest beside the range fields, the live address map, and a duplicated cluster's draft.</summary>
public sealed class AddressPlanningTests : WizardTestContext
{
    private const string Network = "rack-a-vlan-120";

    private async Task<Guid> SubmitAsync(string name, string containers, string services)
    {
        var result = await Services.GetRequiredService<ClusterSubmission>()
            .SubmitAsync(TestDrafts.Valid(d => d.Name = name, d => d.L2Network = Network, d => d.ContainersCidr = containers, d => d.ServicesCidr = services));
        Assert.True(result.Accepted, string.Join("; ", result.Check.Errors.Select(e => e.ErrorMessage)));
        return result.ClusterId!.Value;
    }

    [Fact]
    public async Task Suggest_fills_a_free_range_says_why_and_the_map_stops_showing_the_clash()
    {
        await SubmitAsync("core-01", "10.20.0.0/16", "10.21.0.0/16"); // PMK's defaults, taken
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Network);
        cut.WaitForAssertion(() => Assert.Equal("true", cut.ByTestId("address-map").GetAttribute("data-clash")));
        Assert.Contains("Overlaps cluster 'core-01'", cut.TextOf("containers-cidr-error"));
        Assert.Contains(cut.FindAll(By("address-map-segment")), s => s.GetAttribute("data-kind") == "Clash" && s.GetAttribute("aria-label") == "core-01 containers 10.20.0.0/16");

        await cut.ClickAsync("suggest-containers-cidr");
        await cut.ClickAsync("suggest-services-cidr");

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("10.0.0.0/23", cut.ByTestId("containers-cidr").GetAttribute("value"));
            Assert.Equal("10.0.0.0/23: 3 nodes × 64 IPs per node ×2 headroom; free on rack-a-vlan-120 (in 10.0.0.0/8).", cut.TextOf("containers-cidr-suggestion"));
            Assert.Equal("10.0.16.0/20", cut.ByTestId("services-cidr").GetAttribute("value"));
            Assert.StartsWith("10.0.16.0/20: 4,096 Service IPs, the services minimum", cut.TextOf("services-cidr-suggestion"));
            Assert.False(cut.Has("containers-cidr-error"));
            Assert.Equal("false", cut.ByTestId("address-map").GetAttribute("data-clash"));
        });
        Assert.Contains(cut.FindAll(By("address-map-segment")), s => s.GetAttribute("data-kind") == "Mine" && s.GetAttribute("aria-label") == "this draft containers 10.0.0.0/23");
        await SavedStateAsync(cut.Instance.DraftId, d => d.ContainersCidr == "10.0.0.0/23"); // saved like typing

        await cut.TypeAsync("containers-cidr", "10.20.0.0/24"); // typing over it: the explanation goes, the map shows the clash again
        cut.WaitForAssertion(() =>
        {
            Assert.False(cut.Has("containers-cidr-suggestion"));
            Assert.Equal("true", cut.ByTestId("address-map").GetAttribute("data-clash"));
        });
    }

    [Fact]
    public async Task Suggest_without_a_valid_plan_says_what_to_fix_and_changes_nothing()
    {
        var cut = await RenderWizardAsync(ValidDraft(d => d.BlockSize = "19"), WizardStep.Network);
        await cut.ClickAsync("suggest-containers-cidr");
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("false", cut.ByTestId("containers-cidr-suggestion").GetAttribute("data-found"));
            Assert.StartsWith("Enter a valid block size (21–31) first", cut.TextOf("containers-cidr-suggestion"));
        });
        Assert.Equal(Defaults.IPv4.ContainersCidr, cut.ByTestId("containers-cidr").GetAttribute("value"));
    }

    [Fact]
    public async Task A_duplicate_opens_as_a_new_unsaved_draft_with_the_next_name_and_passes_the_first_next()
    {
        var source = await SubmitAsync("edge-01", "10.20.0.0/16", "10.21.0.0/20");
        var id = Guid.NewGuid();
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/wizard/{id}?from={source}");

        var cut = Render<WizardPage>(p => p.Add(w => w.DraftId, id));
        cut.WaitForElement(By("step-cluster"));
        Assert.Contains("A copy of edge-01", cut.TextOf("duplicated-from"));
        Assert.Equal("edge-02", cut.ByTestId("cluster-name").GetAttribute("value"));
        Assert.Null(await Drafts.LoadAsync(id)); // nothing stored (or submitted) until the operator acts

        await cut.ClickAsync("next");

        cut.WaitForElement(By("step-network"));
        Assert.Equal("10.0.0.0/16", cut.ByTestId("containers-cidr").GetAttribute("value")); // the original's sizes, free
        Assert.Equal("10.1.0.0/20", cut.ByTestId("services-cidr").GetAttribute("value"));
        Assert.Contains("the size of edge-01's containers range", cut.TextOf("containers-cidr-suggestion"));
        Assert.Empty(cut.FindAll("[data-testid$='-error']"));
        Assert.NotNull(await Drafts.LoadAsync(id));
    }
}
