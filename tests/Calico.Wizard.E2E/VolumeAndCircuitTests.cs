using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Calico.Wizard.Core.Input;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Headless;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Calico.Wizard.E2E;

/// <summary>
/// The second review's findings against the running app (issue 27): volume that amplified (a 200 MB 422, a 500 on a
/// valid policy), a query key that was ignored, circuits from another origin or without a limit.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class VolumeAndCircuitTests(BrowserFixture fixture)
{
    private HttpClient Api() => new() { BaseAddress = fixture.App.BaseUrl, Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>A draft as the API takes it: the builder's draft, its own keys (the spec file's).</summary>
    private static Dictionary<string, object?> Body(Core.Drafts.ClusterDraft d) => new()
    {
        ["id"] = d.Id, ["name"] = d.Name, ["provider"] = d.Provider, ["machineKind"] = d.MachineKind.ToString(), ["l2Network"] = d.L2Network,
        ["plannedNodes"] = d.PlannedNodes, ["networkStack"] = d.NetworkStack.ToString(), ["containersCidr"] = d.ContainersCidr, ["servicesCidr"] = d.ServicesCidr,
        ["backend"] = d.Backend.ToString(), ["ipInIpMode"] = d.EncapsulationMode.ToString(), ["natOutgoing"] = d.NatOutgoing, ["blockSize"] = d.BlockSize,
        ["mtu"] = d.Mtu, ["underlayMtu"] = d.NodeNetworkMtu, ["interfaceDetection"] = d.NodeAddressDetection.ToString(), ["networkPolicies"] = d.NetworkPolicies,
    };

    [Fact]
    public async Task The_amplification_draft_is_refused_in_one_small_answer_naming_the_node_limit()
    {
        using var http = Api();
        var draft = HostileDrafts.Amplification(WizardDriver.UniqueName("amplify"), WizardDriver.UniqueName("rack-amp"));

        using var response = await http.PostAsJsonAsync("api/clusters", Body(draft));

        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True(body.Length < 64 * 1024, $"{body.Length:N0} bytes"); // 202,101,380 before
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
        Assert.Contains($"more than {InputLimits.MaxPolicyNodes:N0} YAML nodes", errors.GetProperty("NetworkPolicies[0]")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fifty_policies_of_thousands_of_invalid_values_answer_a_few_messages_each_and_under_64_KB()
    {
        using var http = Api();
        var draft = TestDrafts.Valid(d =>
        {
            d.Name = WizardDriver.UniqueName("many");
            d.L2Network = WizardDriver.UniqueName("rack-many");
            for (var p = 0; p < InputLimits.MaxPolicies; p++) d.NetworkPolicies.Add(HostileDrafts.InvalidValuesPolicy(p, 4_000));
        });

        using var response = await http.PostAsJsonAsync("api/clusters", Body(draft));

        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True(body.Length < 64 * 1024, $"{body.Length:N0} bytes");
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
        var first = errors.GetProperty("NetworkPolicies[0]").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(ClusterRules.MaxErrorsPerField + 1, first.Length);
        Assert.EndsWith($"… and {4_000 - ClusterRules.MaxErrorsPerField:N0} more (fix these first: the rest are shown then).", first[^1], StringComparison.Ordinal);
        Assert.Equal(InputLimits.MaxPolicies, errors.EnumerateObject().Count(p => p.Name.StartsWith("NetworkPolicies[", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_valid_policy_near_64_KB_is_created_and_the_manifests_of_a_draft_at_the_caps_are_served_the_same_twice()
    {
        using var http = Api();
        var large = TestDrafts.Valid(d =>
        {
            d.Name = WizardDriver.UniqueName("large");
            d.L2Network = WizardDriver.UniqueName("rack-large");
            d.NetworkPolicies.Add(HostileDrafts.LargePolicy(1, 63 * 1024));
        });
        using (var created = await http.PostAsJsonAsync("api/clusters", Body(large)))
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync()); // 500 before

        var caps = HostileDrafts.AtCaps(WizardDriver.UniqueName("caps"), WizardDriver.UniqueName("rack-caps"));
        using (var created = await http.PostAsJsonAsync("api/clusters", Body(caps)))
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var first = await http.GetStringAsync($"api/drafts/{caps.Id}/manifests.yaml");
        var second = await http.GetStringAsync($"api/drafts/{caps.Id}/manifests.yaml");
        Assert.Equal(first, second);
        Assert.Equal(1 + InputLimits.MaxPolicies, Core.Rendering.ManifestRenderer.Parse(first).Count);
    }

    [Fact]
    public async Task An_unknown_query_key_of_the_address_planning_reads_is_refused_by_name()
    {
        using var http = Api();

        using var free = await http.GetAsync("api/networks/BareOS/rack-keys/free?kind=containers&node=5000");
        using var map = await http.GetAsync("api/networks/BareOS/rack-keys/map?zoom=2");

        Assert.Equal(HttpStatusCode.BadRequest, free.StatusCode);
        Assert.Contains("\"node\":[\"Unknown query key: the keys are kind, family, nodes, blockSize, avoid.\"]", await free.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, map.StatusCode);
        Assert.Contains("this request takes none", await map.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("api/networks/BareOS/rack-keys/free?kind=containers&nodes=50")).StatusCode);
    }

    /// <summary>The status a WebSocket upgrade to Blazor's hub gets, sent with <paramref name="origin"/>.</summary>
    private async Task<HttpStatusCode> UpgradeAsync(string origin)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", origin);
        var url = new UriBuilder(fixture.App.BaseUrl) { Scheme = "ws", Path = "/_blazor" }.Uri;
        try
        {
            await socket.ConnectAsync(url, CancellationToken.None);
            return socket.HttpStatusCode;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }

    [Fact]
    public async Task A_circuit_from_another_origin_is_refused_and_one_from_the_apps_own_is_not()
    {
        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeAsync("https://attacker.example")); // 101 before
        Assert.NotEqual(HttpStatusCode.Forbidden, await UpgradeAsync(fixture.App.BaseUrl.GetLeftPart(UriPartial.Authority)));
    }

    [Fact]
    public async Task A_client_past_its_circuit_limit_is_told_so_on_the_page_and_gets_its_tab_back_when_one_closes()
    {
        await using var app = await WizardApp.StartAsync(null, "--Wizard:MaxCircuitsPerClient=2");
        await using var context = await fixture.Browser.NewContextAsync();
        async Task<IPage> OpenAsync()
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(app.BaseUrl, "new").ToString());
            return page;
        }
        var one = await OpenAsync();
        var two = await OpenAsync();
        foreach (var page in new[] { one, two })
            await Expect(page.Locator(BrowserContract.Interactive)).ToBeVisibleAsync();

        var three = await OpenAsync();
        await Expect(three.GetByTestId("circuit-limit")).ToContainTextAsync("the most wizard tabs open that the server allows for one operator (2)");
        await Expect(three.Locator(BrowserContract.Interactive)).ToHaveCountAsync(0);

        await one.CloseAsync(); // its WebSocket closes, and with it the permit: a reload of the third connects
        var deadline = DateTime.UtcNow.AddMilliseconds(Waits.Expect);
        while (true)
        {
            await three.ReloadAsync();
            try
            {
                await three.Locator(BrowserContract.Interactive).WaitForAsync(new() { Timeout = 5_000 });
                break;
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline) { }
        }
        await Expect(three.GetByTestId("circuit-limit")).ToHaveCountAsync(0);
    }
}
