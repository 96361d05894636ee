using System.Diagnostics;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Calico.Wizard.E2E;

/// <summary>The headless command, run as a script would run it, against the running wizard.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HeadlessTests(BrowserFixture fixture)
{
    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Repository.BuiltDll("Calico.Wizard.Headless", "calico-wizard-headless.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["CHROMIUM_PATH"] = BrowserFixture.ChromiumPath;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task<string> SpecFileAsync(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), $"calico-wizard-spec-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, yaml);
        return path;
    }

    [Fact]
    public async Task Spec_downloaded_from_review_is_provisioned_by_one_command()
    {
        await using var context = await fixture.Browser.NewContextAsync(new() { AcceptDownloads = true });
        var wizard = new WizardDriver(await context.NewPageAsync(), fixture.App.BaseUrl, fixture.App);
        var name = WizardDriver.UniqueName("replay");
        await wizard.OpenNewAsync();
        await wizard.FillClusterStepAsync(name, "rack-replay");
        await wizard.NextAsync("network");
        await wizard.Field("ipip-crosssubnet").ClickAsync();
        await wizard.FillAsync("block-size", "24");
        await wizard.NextAsync("policies");
        await wizard.Field("add-policy-default-deny-ingress").ClickAsync();
        await wizard.NextAsync("review");
        var download = await wizard.Page.RunAndWaitForDownloadAsync(() => wizard.Field("download-spec").ClickAsync());
        var spec = await download.PathAsync();
        Assert.Contains($"name: {name}", await File.ReadAllTextAsync(spec));
        // the person never submitted it: the script does

        var (exit, output) = await RunAsync("--url", fixture.App.BaseUrl.ToString(), "--spec", spec);

        Assert.True(exit == 0, output);
        Assert.Contains("Finished: Succeeded", output);
        var clusterUrl = output.Split('\n').Single(l => l.StartsWith("Submitted: ", StringComparison.Ordinal))["Submitted: ".Length..].Trim();
        var page = await context.NewPageAsync();
        await page.GotoAsync(clusterUrl);
        await Expect(page.GetByTestId("cluster-title")).ToHaveTextAsync(name);
        await Expect(page.GetByTestId("cluster-yaml")).ToContainTextAsync("encapsulation: IPIPCrossSubnet");
        await Expect(page.GetByTestId("cluster-yaml")).ToContainTextAsync("blockSize: 24");
        await Expect(page.GetByTestId("cluster-yaml")).ToContainTextAsync("name: default-deny-ingress");
    }

    [Fact]
    public async Task An_advanced_dual_stack_spec_is_driven_through_the_advanced_part_and_provisioned()
    {
        var name = WizardDriver.UniqueName("dual");
        var spec = await SpecFileAsync($"""
            name: {name}
            provider: BareOS
            l2Network: rack-dual
            networkStack: DualStack
            containersCidr: 10.80.0.0/16
            servicesCidr: 10.81.0.0/16
            containersCidrV6: fd00:80::/64
            servicesCidrV6: fd00:81::/112
            blockSizeV6: "120"
            nodeNetworks: 192.168.80.0/22, fd00:192:80::/64
            overlay: Vxlan
            ipInIpMode: Always
            bgp: false
            natOutgoingV6: false
            mtuAuto: true
            interfaceDetection: Kubernetes
            interfaceDetectionV6: Cidrs
            interfaceDetectionValueV6: fd00:192:80::/64
            dataplane: Nftables
            """);

        var (exit, output) = await RunAsync("--url", fixture.App.BaseUrl.ToString(), "--spec", spec);

        Assert.True(exit == 0, output);
        var clusterUrl = output.Split('\n').Single(l => l.StartsWith("Submitted: ", StringComparison.Ordinal))["Submitted: ".Length..].Trim();
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(clusterUrl);
        var yaml = page.GetByTestId("cluster-yaml");
        await Expect(yaml).ToContainTextAsync("cidr: fd00:80::/64");
        await Expect(yaml).ToContainTextAsync("blockSize: 120");
        await Expect(yaml).ToContainTextAsync("encapsulation: VXLAN");
        await Expect(yaml).ToContainTextAsync("bgp: Disabled");
        await Expect(yaml).ToContainTextAsync("linuxDataplane: Nftables");
        await Expect(yaml).ToContainTextAsync("kubernetes: NodeInternalIP");
        await Expect(yaml).ToContainTextAsync("- fd00:192:80::/64");
        await Expect(yaml).Not.ToContainTextAsync("mtu:");
        // the IPv6 pool's own NAT Outgoing (issue 28): the robot switched it off, the IPv4 pool keeps PMK's on
        var pools = (await yaml.InnerTextAsync()).Split("- name: ");
        Assert.Contains("natOutgoing: Enabled", Assert.Single(pools, p => p.StartsWith("default-ipv4-ippool", StringComparison.Ordinal)));
        Assert.Contains("natOutgoing: Disabled", Assert.Single(pools, p => p.StartsWith("default-ipv6-ippool", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_key_that_does_not_apply_is_reported_as_ignored_and_the_cluster_is_still_made()
    {
        var spec = await SpecFileAsync($"""
            name: {WizardDriver.UniqueName("flan")}
            provider: BareOS
            l2Network: rack-flannel-ignored
            containersCidr: 10.86.0.0/16
            servicesCidr: 10.87.0.0/16
            backend: Flannel
            dataplane: Bpf
            """);

        var (exit, output) = await RunAsync("--url", fixture.App.BaseUrl.ToString(), "--spec", spec);

        Assert.True(exit == 0, output);
        Assert.Contains("Ignored dataplane: Dataplane (Bpf) is ignored: it applies only to Calico, and the backend is Flannel.", output);
        Assert.Contains("Submitted: ", output);
    }

    [Fact]
    public async Task Suggest_in_a_spec_presses_Suggest_in_the_wizard_and_reports_the_answer()
    {
        var network = WizardDriver.UniqueName("rack-suggest");
        var spec = await SpecFileAsync($$"""
            name: {{WizardDriver.UniqueName("sug")}}
            provider: BareOS
            l2Network: {{network}}
            plannedNodes: "20"
            containersCidr: suggest
            servicesCidr: suggest
            """);

        var (exit, output) = await RunAsync("--url", fixture.App.BaseUrl.ToString(), "--spec", spec, "--json");

        Assert.True(exit == 0, output);
        var suggested = output.Split('\n').Where(l => l.Contains("\"event\":\"suggested\"", StringComparison.Ordinal))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToDictionary(e => e.GetProperty("field").GetString()!, e => e.GetProperty("cidr").GetString());
        Assert.Equal("10.0.0.0/20", suggested["containers-cidr"]); // 20 nodes × 64 × 2 = 2,560 → 4,096
        Assert.Equal("10.0.16.0/20", suggested["services-cidr"]);
        Assert.Contains($"free on {network}", output);
    }

    [Fact]
    public async Task Invalid_spec_exits_2_with_the_messages_the_wizard_shows()
    {
        var spec = await SpecFileAsync($"""
            name: {WizardDriver.UniqueName("bad")}
            provider: BareOS
            l2Network: rack-bad
            containersCidr: 10.0.0.1/16
            servicesCidr: 10.0.0.0/8
            """);

        var (exit, output) = await RunAsync("--url", fixture.App.BaseUrl.ToString(), "--spec", spec);

        Assert.True(exit == 2, output);
        Assert.Contains("containers-cidr: Host bits are set: did you mean 10.0.0.0/16?", output);
        Assert.Contains("services-cidr: 10.0.0.0/8 has 16,777,216 addresses; Kubernetes allows at most 1,048,576: use a /12 or longer prefix.", output);
    }

    [Fact]
    public async Task Calico_on_azure_exits_2_saying_why_in_json()
    {
        var spec = await SpecFileAsync($"""
            name: {WizardDriver.UniqueName("az")}
            provider: Azure
            l2Network: prod-vnet
            backend: Calico
            """);

        var (exit, output) = await RunAsync("--url", fixture.App.BaseUrl.ToString(), "--spec", spec, "--json");

        Assert.True(exit == 2, output);
        Assert.StartsWith("{\"event\":\"invalid\"", output.Trim());
        Assert.Contains("Calico is not offered on Azure", output);
    }

    [Fact]
    public async Task Unknown_key_in_the_spec_exits_2_naming_the_line()
    {
        var spec = await SpecFileAsync("name: typo\nprovder: BareOS\n");

        var (exit, output) = await RunAsync("--url", fixture.App.BaseUrl.ToString(), "--spec", spec);

        Assert.True(exit == 2, output);
        Assert.Contains("line 2", output);
    }
}
