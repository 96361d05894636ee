using Bunit;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Features.CreateCluster;
using static Calico.Wizard.Tests.WizardDom;

namespace Calico.Wizard.Tests.Features.CreateCluster;

public sealed class ClusterStepTests : WizardTestContext
{
    private const string ScriptName = "<script>alert(1)</script>";

    [Fact]
    public async Task Cluster_step_should_show_both_messages_and_stay_when_next_with_empty_name_and_network()
    {
        var id = Guid.NewGuid(); // a first visit: the draft does not exist yet
        var cut = Render<WizardPage>(p => p.Add(w => w.DraftId, id));
        cut.WaitForElement(By("step-cluster"));
        Assert.False(cut.Has("cluster-name-error")); // empty and untouched: quiet until Next
        Assert.False(cut.Has("l2-network-error"));

        await cut.ClickAsync("next");

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("Enter a cluster name", cut.TextOf("cluster-name-error"));
            Assert.Contains("Enter the L2 network name, e.g. rack-a-vlan-120", cut.TextOf("l2-network-error"));
        });
        Assert.Equal("Cluster", cut.ByTestId("wizard").GetAttribute("data-step"));
        Assert.True(cut.Has("step-cluster"));
        Assert.False(cut.Has("step-network"));
        Assert.Contains("Fix the 2 problem(s)", cut.TextOf("next-blocked"));
        Assert.True(cut.ByTestId("goto-network").IsDisabled());
        Assert.Null(await Drafts.LoadAsync(id)); // nothing was changed: nothing is stored (a refused Next is not a change)
    }

    [Fact]
    public async Task Cluster_step_should_go_to_network_when_next_with_valid_fields()
    {
        var id = Guid.NewGuid();
        var cut = await PassClusterStepAsync(id, "edge-01", "rack-a-vlan-120");

        Assert.Equal("Network", cut.ByTestId("wizard").GetAttribute("data-step"));
        Assert.False(cut.Has("next-blocked"));
    }

    [Fact]
    public async Task Cluster_step_should_clear_blocked_notice_when_problems_are_fixed()
    {
        var cut = Render<WizardPage>(p => p.Add(w => w.DraftId, Guid.NewGuid()));
        cut.WaitForElement(By("step-cluster"));
        await cut.ClickAsync("next");
        cut.WaitForElement(By("next-blocked"));

        await cut.TypeAsync("cluster-name", "edge-01");
        cut.WaitForAssertion(() => Assert.False(cut.Has("cluster-name-error")));
        Assert.True(cut.Has("next-blocked")); // the network is still missing

        await cut.TypeAsync("l2-network", "rack-a-vlan-120");
        cut.WaitForAssertion(() => Assert.False(cut.Has("next-blocked")));
        Assert.False(cut.Has("l2-network-error"));
    }

    [Fact]
    public async Task Cluster_step_should_render_script_name_as_text_when_user_types_markup()
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Cluster);

        await cut.TypeAsync("cluster-name", ScriptName);

        cut.WaitForAssertion(() => Assert.Contains("did you mean script-alert-1-script?", cut.TextOf("cluster-name-error")));
        Assert.Empty(cut.FindAll("script"));
        Assert.Equal(ScriptName, cut.ByTestId("cluster-name").GetAttribute("value")); // kept as typed, as a value
        Assert.Equal(0, cut.ByTestId("cluster-name").ChildElementCount);
    }

    [Theory]
    [InlineData("l2-network", "is not a valid L2 network name")]
    [InlineData("planned-nodes", "is not a whole number")]
    public async Task Cluster_step_should_render_echoed_markup_as_text_when_message_quotes_the_input(string field, string complaint)
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Cluster);

        await cut.TypeAsync(field, ScriptName);

        cut.WaitForAssertion(() => Assert.Contains(complaint, cut.TextOf($"{field}-error")));
        var message = cut.ByTestId($"{field}-error");
        Assert.Contains($"'{ScriptName}'", message.TextContent); // quoted back verbatim, as text
        Assert.Equal(0, message.ChildElementCount);
        Assert.Empty(cut.FindAll("script"));
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", message.InnerHtml);
    }

    [Fact]
    public async Task Review_step_should_render_script_name_as_text_when_saved_name_holds_markup()
    {
        // A draft resumed on Review with a name that never passed the rules (edited elsewhere, an older rule set...).
        var cut = await RenderWizardAsync(ValidDraft(d => d.Name = ScriptName), WizardStep.Review);

        Assert.Empty(cut.FindAll("script"));
        Assert.Equal(ScriptName, ReviewRows(cut)["Cluster name"]);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", cut.Markup);
        Assert.DoesNotContain(ScriptName, cut.Markup);
        Assert.Contains("Cluster name: Use lowercase letters", cut.TextOf("review-errors"));
        Assert.True(cut.ByTestId("submit").IsDisabled());
        Assert.False(cut.Has("review-yaml"));
    }

    internal static Dictionary<string, string> ReviewRows<T>(IRenderedComponent<T> cut) where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.FindAll($"{By("review-table")} tr").ToDictionary(r => r.QuerySelector("th")!.Text(), r => r.QuerySelector("td")!.Text());
}
