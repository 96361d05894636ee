using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Calico.Wizard.E2E;

[Collection(BrowserCollection.Name)]
public sealed class WizardFlowTests(BrowserFixture fixture) : IAsyncLifetime
{
    private IBrowserContext context = default!;
    private WizardDriver wizard = default!;

    public async Task InitializeAsync()
    {
        context = await fixture.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 1000 }, AcceptDownloads = true });
        wizard = new WizardDriver(await context.NewPageAsync(), fixture.App.BaseUrl, fixture.App);
    }

    public async Task DisposeAsync() => await context.DisposeAsync();

    private IPage Page => wizard.Page;

    [Fact]
    public async Task Happy_path_on_BareOS_provisions_a_dry_run_cluster_with_the_reviewed_yaml()
    {
        var name = WizardDriver.UniqueName("edge");
        await wizard.OpenNewAsync();
        await wizard.FillClusterStepAsync(name, "rack-happy");
        await wizard.NextAsync("network");

        await Expect(wizard.Field("containers-cidr")).ToHaveValueAsync("10.20.0.0/16");
        await Expect(wizard.Field("services-cidr")).ToHaveValueAsync("10.21.0.0/16");
        await Expect(wizard.Field("block-size")).ToHaveValueAsync("26");
        await Expect(wizard.Field("mtu")).ToHaveValueAsync("1440");
        await Expect(wizard.Field("capacity")).ToHaveTextAsync("64 IPs per node · up to 1,024 nodes");
        await wizard.Field("detect-can-reach").ClickAsync();
        await wizard.FillAsync("detect-value", "8.8.8.8");
        await Expect(wizard.Field("detect-env")).ToHaveTextAsync("IP_AUTODETECTION_METHOD=can-reach=8.8.8.8");
        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1")
            await Page.ScreenshotAsync(new() { Path = Path.Combine(Repository.Root, "docs", "images", "network-configuration.png"), FullPage = true });

        await wizard.NextAsync("policies");
        await wizard.NextAsync("review");
        var table = wizard.Field("review-table");
        await Expect(table).ToContainTextAsync(name);
        await Expect(table).ToContainTextAsync("can-reach=8.8.8.8");
        var yaml = wizard.Field("review-yaml");
        await Expect(yaml).ToContainTextAsync("kind: Installation");
        await Expect(yaml).ToContainTextAsync("cidr: 10.20.0.0/16");
        await Expect(yaml).ToContainTextAsync("canReach: 8.8.8.8");
        var reviewed = await yaml.TextContentAsync();

        var download = await Page.RunAndWaitForDownloadAsync(() => wizard.Field("download-yaml").ClickAsync());
        var downloaded = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Equal(reviewed, downloaded);

        await wizard.Field("submit").ClickAsync();
        await Expect(Page.GetByTestId("job-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = Waits.JobFinished });
        await Expect(Page.GetByTestId("job-state")).ToHaveTextAsync("Succeeded");
        await Expect(Page.GetByTestId("job-progress")).ToHaveTextAsync("Step 4 of 4");
        // the operator sees the Installation judged by the Tigera operator's own CRD, as an API server would
        var schemaStep = Page.GetByTestId("job-steps").Locator("li").Filter(new() { HasText = "Check the Installation against the Tigera operator's CRD schema" });
        await Expect(schemaStep).ToHaveAttributeAsync("data-state", "Succeeded");
        await Expect(schemaStep).ToContainTextAsync("Installation/default valid against the Installation CRD of tigera/operator@40788b9");
        await Expect(Page.GetByTestId("cluster-yaml")).ToHaveTextAsync(reviewed!);
        await Expect(Page.GetByTestId("kubectl-line")).ToHaveTextAsync($"kubectl apply --server-side --field-manager=calico-wizard -f {name}-network.yaml");
        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1")
            await Page.ScreenshotAsync(new() { Path = Path.Combine(Repository.Root, "docs", "images", "cluster-ready.png"), FullPage = true });

        await Page.GetByTestId("nav-clusters").ClickAsync();
        await Expect(Page.GetByTestId("cluster-row").Filter(new() { HasText = name })).ToContainTextAsync("Succeeded");
    }

    [Fact]
    public async Task Azure_offers_no_calico_says_why_and_provisions_flannel()
    {
        var name = WizardDriver.UniqueName("az");
        await wizard.OpenNewAsync();
        await wizard.FillClusterStepAsync(name, "prod-vnet", provider: "azure");
        await Expect(wizard.Field("provider-calico-note")).ToContainTextAsync("Calico is not offered on Azure");
        await wizard.NextAsync("network");

        await Expect(wizard.Field("backend-calico")).ToBeDisabledAsync();
        await Expect(wizard.Field("backend-flannel")).ToBeCheckedAsync();
        await Expect(wizard.Field("calico-unavailable")).ToContainTextAsync("PMK supports Calico on BareOS and AWS only");
        await Expect(wizard.Field("calico-options")).ToHaveCountAsync(0);

        await wizard.NextAsync("policies");
        await wizard.NextAsync("review");
        await Expect(wizard.Field("review-yaml")).ToContainTextAsync("kind: ConfigMap");
        await Expect(wizard.Field("review-yaml")).ToContainTextAsync("\"Network\": \"10.20.0.0/16\"");
        await wizard.Field("submit").ClickAsync();
        await Expect(Page.GetByTestId("job-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = Waits.JobFinished });
    }

    [Fact]
    public async Task Bad_cidr_shows_its_fix_while_typing_and_blocks_next()
    {
        await wizard.OpenNewAsync();
        await wizard.FillClusterStepAsync(WizardDriver.UniqueName("cidr"), "rack-cidr");
        await wizard.NextAsync("network");

        var containers = wizard.Field("containers-cidr");
        await containers.FillAsync("");
        await containers.PressSequentiallyAsync("10.0.0.1/16", new() { Delay = WizardDriver.KeyDelay });
        await Expect(wizard.Error("containers-cidr")).ToHaveTextAsync("Host bits are set: did you mean 10.0.0.0/16?");
        await Expect(containers).ToHaveAttributeAsync("aria-invalid", "true");
        // The address map drops the range that no longer parses once the typing pauses (MapDelay); it sits beside the
        // fields, so Next stays where it is meanwhile (AddressPlanningTests.The_map_growing_after_a_pause_does_not_move_Next).
        await Expect(Page.Locator("[data-testid='address-map-segment'][aria-label^='this draft containers']")).ToHaveCountAsync(0);

        await wizard.Field("next").ClickAsync();
        await Expect(wizard.Field("next-blocked")).ToContainTextAsync("Fix the 1 problem(s)");
        await Expect(Page.GetByTestId("step-network")).ToBeVisibleAsync();

        await containers.FillAsync("10.0.0.0/16");
        await Expect(wizard.Error("containers-cidr")).ToHaveCountAsync(0);
        await wizard.NextAsync("policies");
        await wizard.NextAsync("review");
    }

    [Fact]
    public async Task Refused_next_moves_the_focus_to_the_first_field_that_says_what_to_fix()
    {
        await wizard.OpenNewAsync();
        await wizard.FillClusterStepAsync(WizardDriver.UniqueName("focus"), "rack-focus");
        await wizard.NextAsync("network");
        await wizard.FillAsync("containers-cidr", "10.0.0.1/16"); // first on the page
        await wizard.FillAsync("mtu", "100");                     // further down, and typed last
        await Expect(wizard.Error("mtu")).ToBeVisibleAsync();

        await wizard.Field("next").ClickAsync(); // the button has the focus now
        await Expect(wizard.Field("next-blocked")).ToContainTextAsync("Fix the 2 problem(s)");
        await Expect(wizard.Field("containers-cidr")).ToBeFocusedAsync();
    }

    [Theory]
    [InlineData("services-cidr", "10.0.0.0/8", "Kubernetes allows at most 1,048,576")]
    [InlineData("services-cidr", "10.20.128.0/20", "Overlaps the Containers CIDR 10.20.0.0/16")]
    [InlineData("containers-cidr", "010.0.0.0/8", "leading zeros")]
    [InlineData("block-size", "26.5", "not a whole number")]
    [InlineData("block-size", "32", "greater than 20 and less than 32")]
    [InlineData("mtu", "1440abc", "not a whole number")]
    [InlineData("mtu", "9001", "out of range")]
    public async Task Bad_input_shows_its_message_under_the_field(string field, string value, string message)
    {
        await wizard.OpenNewAsync();
        await wizard.FillClusterStepAsync(WizardDriver.UniqueName("bad"), "rack-bad");
        await wizard.NextAsync("network");
        await wizard.FillAsync(field, value);
        await Expect(wizard.Error(field)).ToContainTextAsync(message);
    }

    [Fact]
    public async Task Interface_detection_judges_go_regex_and_can_reach_live()
    {
        await wizard.OpenNewAsync();
        await wizard.FillClusterStepAsync(WizardDriver.UniqueName("if"), "rack-if");
        await wizard.NextAsync("network");

        await wizard.Field("detect-interface").ClickAsync();
        await wizard.FillAsync("detect-value", "(?!lo)");
        await Expect(wizard.Error("detect-value")).ToContainTextAsync("not supported by Go RE2");
        await wizard.FillAsync("detect-value", "(a+)+$");
        await Expect(wizard.Error("detect-value")).ToHaveCountAsync(0);
        await wizard.FillAsync("detect-value", "eth.*");
        await Expect(wizard.Field("detect-matches")).ToContainTextAsync("Matches: eth0");

        await wizard.Field("detect-skip-interface").ClickAsync();
        await wizard.FillAsync("detect-value", "eth.*,,ens.*");
        await Expect(wizard.Error("detect-value")).ToContainTextAsync("Item 2 of the list is empty");

        await wizard.Field("detect-can-reach").ClickAsync();
        await wizard.FillAsync("detect-value", "8.8.8.8:53");
        await Expect(wizard.Error("detect-value")).ToContainTextAsync("Remove the port");
        await wizard.FillAsync("detect-value", "www.google.com");
        await Expect(wizard.Error("detect-value")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Never_locks_nat_outgoing_off_with_the_reason()
    {
        await wizard.OpenNewAsync();
        await wizard.FillClusterStepAsync(WizardDriver.UniqueName("nat"), "rack-nat", nodes: "3");
        await wizard.NextAsync("network");
        var nat = wizard.Field("nat-outgoing");
        await Expect(nat).ToBeCheckedAsync();
        await Expect(nat).ToBeEnabledAsync();

        await wizard.Field("ipip-never").ClickAsync();
        await Expect(nat).Not.ToBeCheckedAsync();
        await Expect(nat).ToBeDisabledAsync();
        await Expect(wizard.Field("nat-locked-reason")).ToContainTextAsync("NAT Outgoing is disabled");
        await Expect(wizard.Field("ipip-help")).ToContainTextAsync("When selecting this option, NAT Outgoing will be disabled.");
        await Expect(wizard.Field("warnings")).ToContainTextAsync("disable port security");

        await wizard.Field("ipip-always").ClickAsync();
        await Expect(nat).ToBeEnabledAsync();
    }

    [Fact]
    public async Task Block_size_22_on_A16_shows_1024_ips_and_64_nodes_and_refuses_100_nodes()
    {
        await wizard.OpenNewAsync();
        await wizard.FillClusterStepAsync(WizardDriver.UniqueName("cap"), "rack-cap", nodes: "100");
        await wizard.NextAsync("network");
        await wizard.FillAsync("block-size", "22");
        await Expect(wizard.Field("capacity")).ToHaveTextAsync("1,024 IPs per node · up to 64 nodes");
        await Expect(wizard.Error("block-size")).ToContainTextAsync("100 planned nodes do not fit");
        await Expect(wizard.Error("block-size")).ToContainTextAsync("Use block size 23 or larger");
        await wizard.FillAsync("block-size", "23");
        await Expect(wizard.Field("capacity")).ToHaveTextAsync("512 IPs per node · up to 128 nodes");
        await Expect(wizard.Error("block-size")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Reload_mid_wizard_resumes_the_draft_where_it_was()
    {
        var name = WizardDriver.UniqueName("reload");
        await wizard.OpenNewAsync();
        await wizard.FillClusterStepAsync(name, "rack-reload");
        await wizard.NextAsync("network");
        await wizard.FillAsync("containers-cidr", "10.40.0.0/16");
        await wizard.SavedAfterAsync(() => wizard.FillAsync("block-size", "27x")); // a typo is kept, not lost
        await Expect(wizard.Error("block-size")).ToBeVisibleAsync();
        var url = Page.Url;

        await Page.ReloadAsync();
        await wizard.WaitInteractiveAsync();
        Assert.Equal(url, Page.Url);
        await Expect(Page.GetByTestId("step-network")).ToBeVisibleAsync();
        await Expect(wizard.Field("containers-cidr")).ToHaveValueAsync("10.40.0.0/16");
        await Expect(wizard.Field("block-size")).ToHaveValueAsync("27x");
        await Expect(wizard.Error("block-size")).ToContainTextAsync("not a whole number");
        await wizard.Field("goto-cluster").ClickAsync();
        await Expect(wizard.Field("cluster-name")).ToHaveValueAsync(name);
    }

    [Fact]
    public async Task Double_submit_makes_exactly_one_cluster()
    {
        var name = WizardDriver.UniqueName("twice");
        await wizard.OpenNewAsync();
        await wizard.FillClusterStepAsync(name, "rack-twice");
        await wizard.NextAsync("network");
        await wizard.NextAsync("policies");
        await wizard.NextAsync("review");
        var submit = wizard.Field("submit");
        // Five clicks as fast as the browser can send them, even on a button that disables itself.
        await submit.EvaluateAsync("b => { for (let i = 0; i < 5; i++) b.dispatchEvent(new MouseEvent('click', { bubbles: true })); }");
        await Expect(Page.GetByTestId("job-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = Waits.JobFinished });

        await Page.GotoAsync(new Uri(fixture.App.BaseUrl, "clusters").ToString());
        await Expect(Page.GetByTestId("cluster-row").Filter(new() { HasText = name })).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Overlapping_cluster_on_the_same_network_is_named()
    {
        var first = WizardDriver.UniqueName("first");
        await wizard.CreateClusterAsync(first, "rack-shared", w => w.FillAsync("containers-cidr", "10.60.0.0/16"));

        await wizard.OpenNewAsync();
        await wizard.FillClusterStepAsync(WizardDriver.UniqueName("second"), "RACK-shared");
        await wizard.NextAsync("network");
        await wizard.FillAsync("containers-cidr", "10.60.128.0/17");
        await Expect(wizard.Error("containers-cidr")).ToContainTextAsync($"Overlaps cluster '{first}'");
        await wizard.Field("next").ClickAsync();
        await Expect(wizard.Field("next-blocked")).ToBeVisibleAsync();

        await wizard.FillAsync("containers-cidr", "10.61.0.0/16");
        await Expect(wizard.Error("containers-cidr")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task User_text_is_never_rendered_as_markup()
    {
        var dialogs = 0;
        Page.Dialog += (_, d) => { dialogs++; _ = d.DismissAsync(); };
        await wizard.OpenNewAsync();
        await wizard.FillAsync("cluster-name", "<script>alert(1)</script>");
        await wizard.FillAsync("l2-network", "<img src=x onerror=alert(2)>");
        await Expect(wizard.Error("cluster-name")).ToContainTextAsync("Use lowercase letters");
        await wizard.Field("next").ClickAsync();
        await Expect(wizard.Error("l2-network")).ToContainTextAsync("<img src=x onerror=alert(2)>");
        Assert.Equal(0, await Page.Locator("main script, main img").CountAsync());
        Assert.Equal(0, dialogs);
    }

    /// <summary>Presses Tab (at most 80 times) until the focus is on, or inside, the element with this test id.</summary>
    private async Task TabToAsync(string testId)
    {
        for (var i = 0; i < 80; i++)
        {
            if (await Page.EvaluateAsync<bool>("id => { const a = document.activeElement; return !!a && (a.dataset.testid === id || !!a.closest(`[data-testid='${id}']`)); }", testId))
                return;
            await Page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"Tab never reached [data-testid={testId}]; the focus is on {await Page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 120) ?? 'nothing'")}");
    }

    [Fact]
    public async Task Keyboard_only_creates_a_cluster_through_every_step_and_runs_it_again_from_the_cluster_page()
    {
        var name = WizardDriver.UniqueName("kb");
        await wizard.OpenNewAsync();
        await TabToAsync("cluster-name");
        await Page.Keyboard.TypeAsync(name, new() { Delay = WizardDriver.KeyDelay });
        await TabToAsync("provider-bareos");
        await Page.Keyboard.PressAsync("ArrowRight"); // provider radios: BareOS → AWS
        await Expect(wizard.Field("provider-aws")).ToBeCheckedAsync();
        await Expect(wizard.Field("machine-physical")).ToBeDisabledAsync();
        await TabToAsync("l2-network");
        await Page.Keyboard.TypeAsync($"vpc-{Guid.NewGuid():N}"[..12], new() { Delay = WizardDriver.KeyDelay });
        await TabToAsync("next");
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByTestId("step-network")).ToBeVisibleAsync();

        await TabToAsync("next");
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByTestId("step-policies")).ToBeVisibleAsync();
        await TabToAsync("add-policy-default-deny-ingress");
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByTestId("policy-0")).ToBeVisibleAsync();
        await TabToAsync("next");
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByTestId("step-review")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("review-policies")).ToContainTextAsync("default-deny-ingress");

        await TabToAsync("submit");
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByTestId("job-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = Waits.JobFinished });

        // the cluster page: its log is reachable (a scrollable region), and Run again works from the keyboard
        await TabToAsync("job-log");
        await TabToAsync("job-run-again");
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByTestId("audit")).ToContainTextAsync("RunAgain", new() { Timeout = Waits.Expect });
        await Expect(Page.GetByTestId("job-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = Waits.JobFinished });
    }

    [Fact]
    public async Task The_capacity_line_and_draft_saved_are_announced_politely()
    {
        await wizard.OpenNewAsync();
        await wizard.FillClusterStepAsync(WizardDriver.UniqueName("live"), $"rack-{Guid.NewGuid():N}"[..13]);
        await Expect(wizard.Field("draft-status")).ToHaveAttributeAsync("role", "status");
        await Expect(wizard.Field("draft-status")).ToHaveAttributeAsync("aria-live", "polite");
        await wizard.NextAsync("network");
        var capacity = wizard.Field("capacity");
        await Expect(capacity).ToHaveAttributeAsync("aria-live", "polite");
        await Expect(capacity).ToHaveAttributeAsync("aria-atomic", "true");
        await wizard.FillAsync("block-size", "28");
        await Expect(capacity).ToContainTextAsync("16 IPs per node"); // the region's own text changes, so it is what a reader hears
    }

    [Fact]
    public async Task Api_refuses_a_forged_azure_calico_submission()
    {
        using var http = new HttpClient { BaseAddress = fixture.App.BaseUrl };
        var response = await http.PostAsJsonAsync("api/clusters", new
        {
            id = Guid.NewGuid(), name = "forged", provider = "Azure", machineKind = "Virtual", l2Network = "prod-vnet", plannedNodes = "3",
            networkStack = "IPv4", containersCidr = "10.70.0.0/16", servicesCidr = "10.71.0.0/16", backend = "Calico",
            ipInIpMode = "Always", natOutgoing = true, blockSize = "26", mtu = "1440", underlayMtu = "1500", interfaceDetection = "FirstFound",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("Calico is not offered on Azure", body);
    }
}
