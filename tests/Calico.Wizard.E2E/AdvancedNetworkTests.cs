using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Calico.Wizard.E2E;

/// <summary>The Network step's Advanced part in Chromium: dual-stack VXLAN without BGP, MTU auto-detection, a node network and CIDRs detection, provisioned.</summary>
public sealed class AdvancedNetworkTests(BrowserFixture fixture) : WizardBrowserTest(fixture)
{

    [Fact]
    public async Task An_operator_provisions_dual_stack_vxlan_without_bgp_with_mtu_auto_a_node_network_and_node_cidrs_after_clashes_are_refused_live()
    {
        var name = WizardDriver.UniqueName("vxlan");
        await Wizard.OpenNewAsync();
        await Wizard.FillClusterStepAsync(name, "rack-vxlan");
        await Wizard.NextAsync("network");
        await Expect(Wizard.Field("advanced-options")).ToHaveCountAsync(0); // PMK's step, as the seed shows it

        await Wizard.SavedAfterAsync(() => Wizard.Field("advanced-toggle").ClickAsync());
        await Expect(Wizard.Field("advanced-options")).ToBeVisibleAsync();

        // dual-stack: the IPv6 ranges appear beside the IPv4 ones, each with its own block size and capacity
        await Wizard.Field("dual-stack").ClickAsync();
        await Expect(Wizard.Field("stack-dual-note")).ToBeVisibleAsync();
        await Expect(Wizard.Field("containers-cidr-v6")).ToHaveValueAsync("fd00:10:20::/64");
        await Wizard.FillAsync("containers-cidr-v6", "fd00:10:40::/64");
        await Expect(Wizard.Field("capacity-v6")).ToHaveTextAsync("64 IPs per node · up to 288,230,376,151,711,744 nodes");

        // the nodes' own network: a pod range inside it is refused live, on the Containers CIDR, naming the clash
        await Wizard.FillAsync("node-networks", "10.20.0.0/20, fd00:192:168::/64");
        await Expect(Wizard.Error("containers-cidr")).ToContainTextAsync("Overlaps the node network 10.20.0.0/20");
        await Wizard.FillAsync("node-networks", "192.168.8.0/22, fd00:10:40::/56");
        await Expect(Wizard.Error("containers-cidr")).ToHaveCountAsync(0);
        await Expect(Wizard.Error("containers-cidr-v6")).ToContainTextAsync("Overlaps the node network fd00:10:40::/56");
        await Wizard.FillAsync("node-networks", "192.168.8.0/22, fd00:192:168::/64");
        await Expect(Wizard.Error("containers-cidr-v6")).ToHaveCountAsync(0);

        // BGP off while the pool is IP-in-IP: the operator's own rule, refused as it is switched
        await Wizard.Field("bgp-enabled").ClickAsync();
        await Expect(Wizard.Error("bgp")).ToContainTextAsync("enable BGP, or choose VXLAN");
        await Wizard.Field("overlay-vxlan").ClickAsync();
        await Expect(Wizard.Error("bgp")).ToHaveCountAsync(0);
        await Expect(Wizard.Field("ipip-mode")).ToContainTextAsync("VXLAN Encapsulation Mode");
        await Wizard.Field("ipip-crosssubnet").ClickAsync();

        await Wizard.Field("mtu-auto").ClickAsync();
        await Expect(Wizard.Field("mtu")).ToBeDisabledAsync();

        // node subnets: one inside the pod range is refused live, naming the clash
        await Wizard.Field("detect-cidrs").ClickAsync();
        await Wizard.FillAsync("detect-value", "192.168.10.0/24,10.20.128.0/24");
        await Expect(Wizard.Error("detect-value")).ToContainTextAsync("10.20.128.0/24 overlaps the Containers CIDR 10.20.0.0/16");
        await Wizard.FillAsync("detect-value", "192.168.10.0/24,192.168.11.0/24");
        await Expect(Wizard.Error("detect-value")).ToHaveCountAsync(0);
        await Expect(Wizard.Field("detect-env")).ToHaveTextAsync("IP_AUTODETECTION_METHOD=cidr=192.168.10.0/24,192.168.11.0/24");
        await Expect(Wizard.Field("warnings")).ToContainTextAsync("VXLAN is UDP 4789");

        await Wizard.NextAsync("policies");
        await Wizard.NextAsync("review");
        var table = Wizard.Field("review-table");
        await Expect(table).ToContainTextAsync("VXLAN (VXLANCrossSubnet)");
        await Expect(table).ToContainTextAsync("Auto (detected by Calico)");
        await Expect(table).ToContainTextAsync("192.168.8.0/22");
        var yaml = Wizard.Field("review-yaml");
        await Expect(yaml).ToContainTextAsync("encapsulation: VXLANCrossSubnet");
        await Expect(yaml).ToContainTextAsync("bgp: Disabled");
        await Expect(yaml).Not.ToContainTextAsync("mtu:");
        await Expect(yaml).ToContainTextAsync("- 192.168.11.0/24");
        await Expect(yaml).ToContainTextAsync("cidr: fd00:10:40::/64"); // the IPv6 pool, VXLAN too
        await Expect(yaml).ToContainTextAsync("nodeAddressAutodetectionV6:");
        await Expect(table).ToContainTextAsync("DualStack");

        await Wizard.Field("submit").ClickAsync();
        await Expect(Page.GetByTestId("job-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = Waits.JobFinished });
        var schemaStep = Page.GetByTestId("job-steps").Locator("li").Filter(new() { HasText = "Check the Installation against the Tigera operator's CRD schema" });
        await Expect(schemaStep).ToHaveAttributeAsync("data-state", "Succeeded");
        await Expect(Page.GetByTestId("cluster-yaml")).ToContainTextAsync("encapsulation: VXLANCrossSubnet");
        await Expect(Page.GetByTestId("cluster-containers-v6")).ToHaveTextAsync("fd00:10:40::/64");
        await Expect(Page.GetByTestId("cluster-node-networks")).ToHaveTextAsync("192.168.8.0/22, fd00:192:168::/64");
    }
}
