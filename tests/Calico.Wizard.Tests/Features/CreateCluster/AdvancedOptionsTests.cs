using Bunit;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;
using static Calico.Wizard.Tests.WizardDom;

namespace Calico.Wizard.Tests.Features.CreateCluster;

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
        await SavedStateAsync(cut.Instance.DraftId, d => d.AdvancedOpen); // a reload or another circuit opens it too
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

    [Fact]
    public async Task Dual_stack_adds_the_ipv6_ranges_checked_live_and_switching_it_off_removes_them()
    {
        var cut = await RenderWizardAsync(ValidDraft(d => d.AdvancedOpen = true), WizardStep.Network);
        Assert.False(cut.Has("containers-cidr-v6"));

        await cut.ByTestId("dual-stack").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = true });

        cut.WaitForAssertion(() => Assert.True(cut.Has("containers-cidr-v6")));
        Assert.Equal("fd00:10:20::/64", cut.ByTestId("containers-cidr-v6").GetAttribute("value"));
        Assert.Equal("64 IPs per node · up to 288,230,376,151,711,744 nodes", cut.TextOf("capacity-v6"));
        Assert.True(cut.Has("interface-detection-v6"));
        await cut.TypeAsync("services-cidr-v6", "fd00:10:20::/112");
        cut.WaitForAssertion(() => Assert.Contains("Overlaps the Containers CIDR fd00:10:20::/64", cut.TextOf("services-cidr-v6-error")));

        await cut.ByTestId("dual-stack").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = false });
        cut.WaitForAssertion(() => Assert.False(cut.Has("containers-cidr-v6")));
        Assert.Empty(cut.FindAll("[data-testid$='-error']")); // an IPv4 cluster's rules no longer look at the IPv6 ranges
    }

    [Fact]
    public async Task Choosing_ebpf_explains_what_it_sets_and_warns_about_kernel_and_kube_proxy()
    {
        var cut = await RenderWizardAsync(ValidDraft(d => d.AdvancedOpen = true), WizardStep.Network);
        Assert.DoesNotContain("replaces kube-proxy", cut.TextOf("warnings"));

        await cut.ClickAsync("dataplane-bpf");

        cut.WaitForAssertion(() =>
        {
            Assert.True(cut.ByTestId("dataplane-bpf").IsChecked());
            Assert.Contains("replaces kube-proxy", cut.TextOf("dataplane-help"));
            Assert.Contains("needs Linux 5.10 or later", cut.TextOf("warnings"));
        });
    }
}

