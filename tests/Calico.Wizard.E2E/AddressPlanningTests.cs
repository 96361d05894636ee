using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Calico.Wizard.E2E;

/// <summary>Address planning in Chromium and through the API: Suggest on a crowded network, the map, Duplicate.</summary>
public sealed class AddressPlanningTests(BrowserFixture fixture) : WizardBrowserTest(fixture)
{
    private HttpClient Api() => new() { BaseAddress = Fixture.App.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };

    private static object Draft(string name, string network, string containers, string services) => new
    {
        name, provider = "BareOS", machineKind = "Virtual", l2Network = network, plannedNodes = "3", networkStack = "IPv4",
        containersCidr = containers, servicesCidr = services, backend = "Calico", ipInIpMode = "Always", natOutgoing = true,
        blockSize = "26", mtu = "1440", underlayMtu = "1500", interfaceDetection = "FirstFound",
    };

    /// <summary>A network where PMK's defaults and the start of 10/8 are taken by clusters submitted through the API.</summary>
    private async Task<string> CrowdedNetworkAsync()
    {
        var network = WizardDriver.UniqueName("rack-plan");
        using var http = Api();
        var taken = new[] { ("10.20.0.0/16", "10.21.0.0/16"), ("10.0.0.0/16", "10.1.0.0/20"), ("10.1.16.0/20", "10.1.32.0/19"), ("10.2.0.0/15", "10.4.0.0/22") };
        foreach (var (containers, services) in taken)
        {
            var response = await http.PostAsJsonAsync("api/clusters", Draft(WizardDriver.UniqueName("taken"), network, containers, services));
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }
        return network;
    }

    /// <summary>
    /// The map redraws a moment after typing stops and grows or shrinks as ranges land in other address spaces. Drawn
    /// above Back/Next it moved them between a press and its release (an E2E click missed Next that way); beside the
    /// fields on a wide page, and after the buttons on a narrow one (the admin portal's frame), it moves nothing.
    /// </summary>
    [Theory]
    [InlineData(1280)]
    [InlineData(800)]
    public async Task The_map_growing_after_a_pause_does_not_move_Next(int width)
    {
        await Page.SetViewportSizeAsync(width, 1000);
        await Wizard.OpenNewAsync();
        await Wizard.FillClusterStepAsync(WizardDriver.UniqueName("still"), WizardDriver.UniqueName("rack-still"));
        await Wizard.NextAsync("network");
        var bars = Page.Locator("[data-testid='address-map-bar'][data-zoom='false']");
        await Expect(bars).ToHaveCountAsync(1); // PMK's defaults, both in 10.0.0.0/8
        var before = await PlaceOfNextAsync();

        // A valid range in another space: no message comes or goes, only the map gains a bar (172.16.0.0/12).
        await Wizard.FillAsync("services-cidr", "172.16.0.0/16");
        await Expect(bars).ToHaveCountAsync(2);
        await Expect(Wizard.Error("services-cidr")).ToHaveCountAsync(0);

        Assert.Equal(before, await PlaceOfNextAsync());
    }

    /// <summary>Where Next is on the page (not the viewport: filling a field may scroll).</summary>
    private Task<double[]> PlaceOfNextAsync() =>
        Wizard.Field("next").EvaluateAsync<double[]>("e => { const r = e.getBoundingClientRect(); return [r.left + scrollX, r.top + scrollY]; }");

    [Fact]
    public async Task On_a_crowded_network_the_operator_presses_Suggest_sees_the_map_and_provisions()
    {
        var network = await CrowdedNetworkAsync();
        var name = WizardDriver.UniqueName("planned");
        await Wizard.OpenNewAsync();
        await Wizard.FillClusterStepAsync(name, network);
        await Wizard.NextAsync("network");

        var map = Page.GetByTestId("address-map");
        await Expect(map).ToHaveAttributeAsync("data-clash", "true"); // PMK's defaults are another cluster's
        await Expect(Wizard.Error("containers-cidr")).ToContainTextAsync("Overlaps cluster 'taken-");
        var whole = map.Locator("[data-testid='address-map-bar'][data-zoom='false']");
        await Expect(whole.GetByTestId("address-map-segment")).ToHaveCountAsync(10); // 8 registered + the draft's 2, on 10.0.0.0/8

        await Wizard.Field("suggest-containers-cidr").ClickAsync();
        await Expect(Wizard.Field("containers-cidr")).ToHaveValueAsync("10.1.64.0/23");
        await Expect(Wizard.Field("containers-cidr-suggestion")).ToHaveTextAsync($"10.1.64.0/23: 3 nodes × 64 IPs per node ×2 headroom; free on {network} (in 10.0.0.0/8).");
        await Wizard.Field("suggest-services-cidr").ClickAsync();
        await Expect(Wizard.Field("services-cidr")).ToHaveValueAsync("10.1.80.0/20");
        await Expect(Wizard.Error("containers-cidr")).ToHaveCountAsync(0);
        await Expect(Wizard.Error("services-cidr")).ToHaveCountAsync(0);
        await Expect(map).ToHaveAttributeAsync("data-clash", "false");
        var closeup = map.Locator("[data-testid='address-map-bar'][data-zoom='true']");
        await Expect(closeup).ToContainTextAsync("Close-up of 10.0.0.0/15"); // the draft's neighbourhood, 16 times its ranges' extent
        await Expect(closeup.GetByTestId("address-map-segment")).ToHaveCountAsync(6); // 10.0/16, 10.1.0/20, 10.1.16/20, 10.1.32/19 and the draft's two

        // focus names the range (for a keyboard), hover too (the SVG's own tooltip)
        var mine = map.Locator("[data-testid='address-map-segment'][data-kind='Mine']").First;
        await mine.FocusAsync();
        await Expect(Page.GetByTestId("address-map-focus")).ToHaveTextAsync("this draft containers 10.1.64.0/23");
        await Expect(map.GetByTestId("address-map-table")).ToContainTextAsync("10.1.64.0/23");
        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1")
            await map.ScreenshotAsync(new() { Path = Path.Combine(Repository.Root, "docs", "images", "address-map.png") });

        // typing a clash back in is shown in the error colour once the typing stops (Wizard:MapDelay, 250 ms)
        await Wizard.FillAsync("services-cidr", "10.20.0.0/20");
        await Expect(map).ToHaveAttributeAsync("data-clash", "true");
        await Expect(whole.Locator("[data-testid='address-map-segment'][data-kind='Clash']")).ToHaveCountAsync(2);
        await Wizard.Field("suggest-services-cidr").ClickAsync();
        await Expect(map).ToHaveAttributeAsync("data-clash", "false");

        await Wizard.NextAsync("policies");
        await Wizard.NextAsync("review");
        await Wizard.Field("submit").ClickAsync();
        await Expect(Page.GetByTestId("job-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = Waits.JobFinished });
        await Expect(Page.GetByTestId("cluster-containers")).ToHaveTextAsync("10.1.64.0/23");
        var clusterMap = Page.GetByTestId("address-map");
        var clusterWhole = clusterMap.Locator("[data-testid='address-map-bar'][data-zoom='false']");
        await Expect(clusterWhole.Locator("[data-testid='address-map-segment'][data-kind='Mine']")).ToHaveCountAsync(2); // this cluster's two ranges, highlighted among the others
        await Expect(clusterWhole.Locator("[data-testid='address-map-segment'][data-kind='Cluster']")).ToHaveCountAsync(8);
    }

    [Fact]
    public async Task Duplicate_opens_a_draft_with_the_next_name_and_free_ranges_that_passes_the_first_Next()
    {
        var network = WizardDriver.UniqueName("rack-dup");
        var clusterUrl = await Wizard.CreateClusterAsync($"{WizardDriver.UniqueName("dup")}-01", network);

        await Page.GetByTestId("cluster-duplicate").ClickAsync();
        await Expect(Page.GetByTestId("duplicated-from")).ToBeVisibleAsync();
        await Wizard.WaitInteractiveAsync();
        var original = await Page.GetByTestId("cluster-name").InputValueAsync();
        Assert.EndsWith("-02", original);
        await Wizard.NextAsync("network");
        await Expect(Wizard.Field("containers-cidr")).Not.ToHaveValueAsync("10.20.0.0/16"); // the original's: taken
        await Expect(Wizard.Field("containers-cidr-suggestion")).ToContainTextAsync("/16: the size of");
        await Expect(Page.Locator("[data-testid$='-error']")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("address-map")).ToHaveAttributeAsync("data-clash", "false");
        await Wizard.NextAsync("policies");
        await Wizard.NextAsync("review");
        await Wizard.Field("submit").ClickAsync();
        await Expect(Page.GetByTestId("job-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = Waits.JobFinished });
        Assert.NotEqual(clusterUrl, Page.Url);
    }

    [Fact]
    public async Task The_api_answers_free_ranges_and_the_map_and_resolves_suggest_at_submit()
    {
        var network = await CrowdedNetworkAsync();
        using var http = Api();

        var free = await http.GetFromJsonAsync<JsonElement>($"api/networks/BareOS/{network}/free?kind=containers&nodes=64&blockSize=26");
        Assert.Equal("10.1.64.0/19", free.GetProperty("cidr").GetString()); // 64 × 64 × 2 = 8,192 addresses
        Assert.Contains("64 nodes × 64 IPs per node ×2 headroom", free.GetProperty("reason").GetString());
        var services = await http.GetFromJsonAsync<JsonElement>($"api/networks/BareOS/{network}/free?kind=services&avoid=10.1.64.0/19");
        Assert.Equal("10.1.96.0/20", services.GetProperty("cidr").GetString());
        var ipv6 = await http.GetFromJsonAsync<JsonElement>($"api/networks/BareOS/{network}/free?kind=containers&family=IPv6&nodes=3");
        Assert.Equal("fd00::/119", ipv6.GetProperty("cidr").GetString());

        var bad = await http.GetAsync($"api/networks/BareOS/{network}/free?kind=pods");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("kind must be containers or services", await bad.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"api/networks/Mars/{network}/free?kind=services")).StatusCode);

        var map = await http.GetFromJsonAsync<JsonElement>($"api/networks/BareOS/{network}/map");
        Assert.Equal(8, map.GetProperty("totalRows").GetInt32());
        Assert.Contains(map.GetProperty("rows").EnumerateArray(), r => r.GetProperty("cidr").GetString() == "10.20.0.0/16");
        Assert.Equal("10.0.0.0/8", map.GetProperty("bars")[0].GetProperty("space").GetString());

        // a spec's "suggest": resolved at submit, the answer in the response, the cluster created with it
        var created = await http.PostAsJsonAsync("api/clusters", Draft(WizardDriver.UniqueName("api-suggest"), network, "suggest", "suggest"));
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.StatusCode == HttpStatusCode.Created, body.ToString());
        var suggested = body.GetProperty("suggested").EnumerateArray().ToDictionary(s => s.GetProperty("field").GetString()!, s => s.GetProperty("cidr").GetString());
        Assert.Equal("10.1.64.0/23", suggested["containersCidr"]);
        Assert.Equal("10.1.80.0/20", suggested["servicesCidr"]);
        var cluster = await http.GetFromJsonAsync<JsonElement>($"api/networks/BareOS/{network}/map");
        Assert.Contains(cluster.GetProperty("rows").EnumerateArray(), r => r.GetProperty("cidr").GetString() == "10.1.64.0/23");
    }
}
