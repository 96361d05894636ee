using Bunit;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;
using static Calico.Wizard.Tests.WizardDom;

namespace Calico.Wizard.Tests;

/// <summary>The Network step's Advanced part: collapsed for PMK's flow, its state kept with the draft, every choice checked live.</summary>
public sealed class AdvancedOptionsTests : WizardTestContext
{
    [Fact]
    public async Task Advanced_is_collapsed_until_opened_and_stays_open_in_the_saved_draft()
    {
        var draft = ValidDraft();
        var cut = await RenderWizardAsync(draft, WizardStep.Network);
        Assert.False(cut.Has("advanced-options"));
        Assert.Equal("false", cut.ByTestId("advanced-toggle").GetAttribute("aria-expanded"));

        await cut.ClickAsync("advanced-toggle");

        cut.WaitForAssertion(() => Assert.True(cut.Has("advanced-options")));
        Assert.Equal("true", cut.ByTestId("advanced-toggle").GetAttribute("aria-expanded"));
        Assert.True((await LoadStateAsync(cut.Instance.DraftId)).Draft.AdvancedOpen); // a reload or another circuit opens it too
    }

    [Fact]
    public async Task On_IPv6_choosing_vxlan_offers_always_and_crosssubnet_again()
    {
        var cut = await RenderWizardAsync(ValidDraft(d => { d.ChangeNetworkStack(NetworkStack.IPv6); d.AdvancedOpen = true; }), WizardStep.Network);
        Assert.True(cut.ByTestId("ipip-always").IsDisabled());

        await cut.ClickAsync("overlay-vxlan");
        cut.WaitForAssertion(() => Assert.False(cut.ByTestId("ipip-always").IsDisabled()));
        await cut.ClickAsync("ipip-always");

        cut.WaitForAssertion(() =>
        {
            Assert.True(cut.ByTestId("ipip-always").IsChecked());
            Assert.Contains("VXLAN Encapsulation Mode", cut.ByTestId("ipip-mode").Text());
            Assert.Contains("adds 70 bytes", cut.TextOf("overlay-help"));
        });
        Assert.Empty(cut.FindAll("[data-testid$='-error']"));
    }

    [Fact]
    public async Task Bgp_off_with_ip_in_ip_is_refused_live_and_vxlan_clears_it()
    {
        var cut = await RenderWizardAsync(ValidDraft(d => d.AdvancedOpen = true), WizardStep.Network);

        await cut.ByTestId("bgp-enabled").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = false }); // a switch toggles on change

        cut.WaitForAssertion(() => Assert.Contains("enable BGP, or choose VXLAN", cut.TextOf("bgp-error")));
        await cut.ClickAsync("overlay-vxlan");
        cut.WaitForAssertion(() => Assert.False(cut.Has("bgp-error")));
    }

    [Fact]
    public async Task Mtu_auto_disables_the_mtu_field_and_a_bad_number_there_no_longer_blocks()
    {
        var cut = await RenderWizardAsync(ValidDraft(d => d.AdvancedOpen = true), WizardStep.Network);
        await cut.TypeAsync("mtu", "abc");
        cut.WaitForAssertion(() => Assert.True(cut.Has("mtu-error")));

        await cut.ByTestId("mtu-auto").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = true });

        cut.WaitForAssertion(() =>
        {
            Assert.False(cut.Has("mtu-error"));
            Assert.True(cut.ByTestId("mtu").IsDisabled());
        });
    }

    [Fact]
    public async Task Cidrs_detection_asks_for_the_node_subnets_and_refuses_one_inside_the_pod_range()
    {
        var cut = await RenderWizardAsync(ValidDraft(d => d.AdvancedOpen = true), WizardStep.Network);

        await cut.ClickAsync("detect-cidrs");
        cut.WaitForAssertion(() => Assert.True(cut.Has("detect-value")));
        await cut.TypeAsync("detect-value", "10.20.0.0/24");

        cut.WaitForAssertion(() => Assert.Contains("overlaps the Containers CIDR 10.20.0.0/16", cut.TextOf("detect-value-error")));
        await cut.TypeAsync("detect-value", "192.168.0.0/24");
        cut.WaitForAssertion(() =>
        {
            Assert.False(cut.Has("detect-value-error"));
            Assert.Equal("IP_AUTODETECTION_METHOD=cidr=192.168.0.0/24", cut.TextOf("detect-env"));
        });
    }
}
