using System.Globalization;
using Bunit;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;
using static Calico.Wizard.Tests.WizardDom;

namespace Calico.Wizard.Tests;

public sealed class NetworkStepTests : WizardTestContext
{
    [Fact]
    public async Task Network_step_should_show_host_bits_fix_when_containers_cidr_has_host_bits()
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Network);
        Assert.False(cut.Has("containers-cidr-error"));

        await cut.TypeAsync("containers-cidr", "10.0.0.1/16");

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("did you mean 10.0.0.0/16", cut.TextOf("containers-cidr-error"));
            Assert.Equal("true", cut.ByTestId("containers-cidr").GetAttribute("aria-invalid"));
        });
        // the message is announced and tied to its field
        Assert.Equal("alert", cut.ByTestId("containers-cidr-error").GetAttribute("role"));
        Assert.Contains("did you mean 10.0.0.0/16", Description(cut, "containers-cidr"));

        await cut.TypeAsync("containers-cidr", "10.0.0.0/16");
        cut.WaitForAssertion(() => Assert.False(cut.Has("containers-cidr-error")));
    }

    [Fact]
    public async Task Network_step_should_describe_field_by_its_helper_text_when_field_has_no_message()
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Network);

        // what a screen reader reads after the label: the range the field accepts
        Assert.Contains("Greater than 20 and less than 32", Description(cut, "block-size"));
        Assert.Equal("false", cut.ByTestId("block-size").GetAttribute("aria-invalid"));
    }

    [Fact]
    public async Task Network_step_should_keep_element_ids_unique_when_messages_are_shown()
    {
        var cut = await RenderWizardAsync(ValidDraft(d => d.NodeAddressDetection = NodeAddressDetection.Interface), WizardStep.Network);

        await cut.TypeAsync("containers-cidr", "10.0.0.1/16");
        await cut.TypeAsync("detect-value", "(?=eth)");

        cut.WaitForAssertion(() => Assert.True(cut.Has("detect-value-error")));
        var duplicates = cut.FindAll("[id]").GroupBy(e => e.Id).Where(g => g.Count() > 1).Select(g => g.Key);
        Assert.Empty(duplicates); // aria-describedby and label[for] must point at one element
    }

    [Fact]
    public async Task Network_step_should_show_capacity_when_block_size_is_22()
    {
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE"); // a German server still says 1,024, not 1.024
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Network);
        Assert.Equal("64 IPs per node · up to 1,024 nodes", cut.TextOf("capacity")); // the /26 default in 10.20.0.0/16

        await cut.TypeAsync("block-size", "22");

        cut.WaitForAssertion(() => Assert.Equal("1,024 IPs per node · up to 64 nodes", cut.TextOf("capacity")));
        Assert.False(cut.Has("block-size-error"));
    }

    [Fact]
    public async Task Network_step_should_explain_missing_capacity_when_block_size_is_invalid()
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Network);

        await cut.TypeAsync("block-size", "33");

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("Capacity shown once the Containers CIDR and block size are valid", cut.TextOf("capacity"));
            Assert.Contains("greater than 20 and less than 32", cut.TextOf("block-size-error"));
        });
    }

    [Fact]
    public async Task Network_step_should_turn_nat_off_and_lock_it_when_ip_in_ip_mode_is_never()
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Network);
        var nat = cut.ByTestId("nat-outgoing");
        Assert.True(nat.IsChecked());
        Assert.False(nat.IsDisabled());
        Assert.False(cut.Has("nat-locked-reason"));

        await cut.ClickAsync("ipip-never");

        cut.WaitForAssertion(() =>
        {
            Assert.True(cut.ByTestId("ipip-never").IsChecked());
            var locked = cut.ByTestId("nat-outgoing");
            Assert.False(locked.IsChecked());
            Assert.Equal("false", locked.GetAttribute("aria-checked"));
            Assert.True(locked.IsDisabled());
            Assert.Contains("Locked off", cut.TextOf("nat-locked-reason"));
        });
        Assert.Contains("NAT Outgoing off", cut.TextOf("nat"));
        Assert.False(cut.Has("nat-error")); // turned off for the user, not left for them to fix

        await cut.ClickAsync("ipip-crosssubnet");

        cut.WaitForAssertion(() =>
        {
            Assert.False(cut.ByTestId("nat-outgoing").IsDisabled());
            Assert.False(cut.Has("nat-locked-reason"));
        });
    }

    [Fact]
    public async Task Network_step_should_offer_only_never_when_stack_is_IPv6()
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Network);
        Assert.False(cut.ByTestId("ipip-always").IsDisabled());
        Assert.False(cut.ByTestId("ipip-crosssubnet").IsDisabled());

        await cut.ClickAsync("stack-ipv6");

        cut.WaitForAssertion(() =>
        {
            Assert.True(cut.ByTestId("stack-ipv6").IsChecked());
            Assert.True(cut.ByTestId("ipip-always").IsDisabled());
            Assert.True(cut.ByTestId("ipip-crosssubnet").IsDisabled());
            Assert.False(cut.ByTestId("ipip-never").IsDisabled());
            Assert.True(cut.ByTestId("ipip-never").IsChecked());
            Assert.True(cut.Has("ipip-ipv6-note"));
        });
        // the IPv4 defaults were swapped for IPv6 ones, so the step is still valid
        Assert.Equal(Defaults.IPv6.ContainersCidr, cut.ByTestId("containers-cidr").GetAttribute("value"));
        Assert.Empty(cut.FindAll("[data-testid$='-error']"));
    }

    [Fact]
    public async Task Network_step_should_disable_calico_and_select_flannel_when_provider_is_azure()
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Cluster);

        await cut.ClickAsync("provider-azure");
        cut.WaitForAssertion(() => Assert.Contains("Calico is not offered on Azure", cut.TextOf("provider-calico-note")));
        await cut.ClickAsync("next");

        cut.WaitForElement(By("step-network"));
        var calico = cut.ByTestId("backend-calico");
        Assert.True(calico.IsDisabled());
        Assert.False(calico.IsChecked());
        Assert.True(cut.ByTestId("backend-flannel").IsChecked());
        var reason = cut.TextOf("calico-unavailable");
        Assert.Contains("Calico is not offered on Azure", reason);
        Assert.Contains(ProviderReason("Azure"), reason);
        Assert.False(cut.Has("calico-options")); // no IP-in-IP, NAT or block size for Flannel
        Assert.False(cut.Has("backend-error"));
    }

    [Fact]
    public async Task Network_step_should_offer_calico_when_provider_is_BareOS()
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Network);

        Assert.False(cut.ByTestId("backend-calico").IsDisabled());
        Assert.True(cut.ByTestId("backend-calico").IsChecked());
        Assert.False(cut.Has("calico-unavailable"));
        Assert.True(cut.Has("calico-options"));
    }

    [Fact]
    public async Task Network_step_should_show_go_re_2_message_when_interface_regex_uses_lookahead()
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Network);
        Assert.False(cut.Has("detect-value"));

        await cut.ClickAsync("detect-interface");
        cut.WaitForElement(By("detect-value"));
        Assert.False(cut.Has("detect-value-error")); // an empty, untouched field stays quiet

        await cut.TypeAsync("detect-value", "(?=eth)");

        cut.WaitForAssertion(() =>
        {
            var message = cut.TextOf("detect-value-error");
            Assert.Contains("Go RE2", message);
            Assert.Contains("Look-around", message);
        });
        Assert.False(cut.Has("detect-matches"));
    }

    [Fact]
    public async Task Network_step_should_list_matching_interfaces_when_interface_regex_is_valid()
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Network);
        await cut.ClickAsync("detect-interface");
        cut.WaitForElement(By("detect-value"));

        await cut.TypeAsync("detect-value", "eth.*");

        cut.WaitForAssertion(() => Assert.Equal(
            $"Matches: eth0 (of {string.Join(", ", NodeAddressDetectionRule.SampleInterfaces)})", cut.TextOf("detect-matches")));
        Assert.False(cut.Has("detect-value-error"));
        Assert.Equal("IP_AUTODETECTION_METHOD=interface=eth.*", cut.TextOf("detect-env"));
    }

    [Fact]
    public async Task Network_step_should_warn_about_port_security_when_never_on_virtual_machines()
    {
        var cut = await RenderWizardAsync(ValidDraft(d => d.MachineKind = MachineKind.Virtual), WizardStep.Network);
        Assert.DoesNotContain(cut.FindAll(By("warning")), w => w.TextContent.Contains("port security"));

        await cut.ClickAsync("ipip-never");

        cut.WaitForAssertion(() =>
        {
            var warning = Assert.Single(cut.FindAll(By("warning")), w => w.TextContent.Contains("disable port security"));
            Assert.Contains("mud-alert", warning.ClassList);
            Assert.Contains("mud-alert-text-warning", warning.ClassList); // MudBlazor.Severity.Warning
            Assert.NotNull(warning.Closest(By("warnings")));
        });

        await cut.ClickAsync("next"); // a warning informs, it never blocks
        cut.WaitForElement(By("step-policies"));
        Assert.False(cut.Has("next-blocked"));
    }

    [Fact]
    public async Task Network_step_should_not_warn_about_port_security_when_never_on_physical_machines()
    {
        var cut = await RenderWizardAsync(ValidDraft(d => d.MachineKind = MachineKind.Physical), WizardStep.Network);

        await cut.ClickAsync("ipip-never");

        cut.WaitForAssertion(() => Assert.True(cut.ByTestId("ipip-never").IsChecked()));
        Assert.NotEmpty(cut.FindAll(By("warning"))); // the BGP/Typha ports warning is still there
        Assert.DoesNotContain(cut.FindAll(By("warning")), w => w.TextContent.Contains("port security"));
    }

    /// <summary>The accessible description of a field: the text of the elements its aria-describedby names (ids not on the page are skipped, as browsers do).</summary>
    private static string Description<T>(IRenderedComponent<T> cut, string testId) where T : Microsoft.AspNetCore.Components.IComponent
    {
        var ids = cut.ByTestId(testId).GetAttribute("aria-describedby")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return string.Join(" ", ids.SelectMany(id => cut.FindAll($"[id='{id}']").Take(1)).Select(e => e.Text()));
    }

    private static string ProviderReason(string provider) =>
        Core.Providers.ProviderMatrix.Seed.Find(provider)!.CalicoUnavailableReason!;
}
