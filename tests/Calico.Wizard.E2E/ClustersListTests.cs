using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Calico.Wizard.E2E;

/// <summary>
/// The clusters list on the shared app, at 1280×800: it fits without scrolling sideways, and its filters, pages and
/// sort are the server's (and the address bar's). Each test makes clusters of its own through the API, under a
/// name prefix and on a network no other test uses.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ClustersListTests(BrowserFixture fixture) : IAsyncLifetime
{
    private IBrowserContext context = default!;
    private IPage Page { get; set; } = default!;
    private readonly string prefix = "ls" + Guid.NewGuid().ToString("N")[..8];
    private string Network => $"list-{prefix}";

    public async Task InitializeAsync()
    {
        context = await fixture.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        Page = await context.NewPageAsync();
    }

    public async Task DisposeAsync() => await context.DisposeAsync();

    private ILocator Rows => Page.GetByTestId("cluster-row");
    private ILocator Table => Page.GetByTestId("clusters-table");

    /// <summary>Submits <paramref name="count"/> clusters named {prefix}-00… on one network (its case varying), each with ranges of its own.</summary>
    private async Task<List<Guid>> CreateAsync(int count, int from = 0)
    {
        using var http = new HttpClient { BaseAddress = fixture.App.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        var ids = new List<Guid>();
        for (var i = from; i < from + count; i++)
        {
            var response = await http.PostAsJsonAsync("api/clusters", new
            {
                id = Guid.NewGuid(), name = $"{prefix}-{i:D2}", provider = "BareOS", machineKind = "Virtual",
                l2Network = i % 10 == 3 ? Network.ToUpperInvariant() : Network, // one network, whatever its case
                plannedNodes = "3", networkStack = "IPv4", containersCidr = $"10.{100 + i}.0.0/16", servicesCidr = $"172.20.{i}.0/24",
                backend = "Calico", ipInIpMode = "Always", natOutgoing = true, blockSize = "26", mtu = "1440", underlayMtu = "1500",
                interfaceDetection = "FirstFound",
            });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
            ids.Add(Guid.Parse(System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("clusterId").GetString()!));
        }
        return ids;
    }

    private async Task OpenAsync(string query = "")
    {
        await Page.GotoAsync(new Uri(fixture.App.BaseUrl, "clusters" + query).ToString());
        await Expect(Table).ToHaveAttributeAsync("data-total", new Regex("^[0-9]+$")); // the server's first page is in
    }

    private async Task<string[]> NamesAsync() =>
        (await Rows.Locator("td.col-name").AllTextContentsAsync()).Select(t => t.Trim()).ToArray();

    private string[] Expected(IEnumerable<int> numbers) => numbers.Select(i => $"{prefix}-{i:D2}").ToArray();

    [Fact]
    public async Task ClustersList_fits_1280_pages_sorts_and_filters_on_the_server_and_keeps_it_in_the_address_bar()
    {
        await CreateAsync(30);

        await OpenAsync();
        await Expect(Rows.First).ToBeVisibleAsync();
        // nothing runs off the right edge: not the page, not the grid's own scroller; the state and Duplicate are on screen
        Assert.True(await Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
            "the page scrolls sideways at 1280 px");
        Assert.True(await Page.EvaluateAsync<bool>("() => [...document.querySelectorAll('.clusters-grid .mud-table-container')].every(e => e.scrollWidth <= e.clientWidth)"),
            "the grid scrolls sideways at 1280 px");
        foreach (var testId in new[] { "cluster-state", "cluster-duplicate" })
        {
            var cell = Rows.First.GetByTestId(testId);
            await Expect(cell).ToBeVisibleAsync();
            var box = await cell.BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.True(box.X >= 0 && box.X + box.Width <= 1280, $"{testId} is at x {box.X}..{box.X + box.Width}, outside the 1280 px viewport");
        }
        await Expect(Rows.First.GetByTestId("cluster-state")).ToHaveAttributeAsync("data-state", new Regex("^(Pending|Running|Succeeded)$"));

        // name: a prefix, typed in any case; newest first by default, 25 a page
        await Page.GetByTestId("filter-name").FillAsync(prefix.ToUpperInvariant());
        await Expect(Page).ToHaveURLAsync(new Regex($"[?&]name={prefix}(&|$)"));
        await Expect(Table).ToHaveAttributeAsync("data-total", "30");
        await Expect(Rows).ToHaveCountAsync(25);
        Assert.Equal(Expected(Enumerable.Range(5, 25).Reverse()), await NamesAsync());

        // the next page, as the server cut it; a reload shows it again
        await Page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("[?&]page=2(&|$)"));
        await Expect(Rows).ToHaveCountAsync(5);
        Assert.Equal(Expected(Enumerable.Range(0, 5).Reverse()), await NamesAsync());
        await Page.ReloadAsync();
        await Expect(Rows).ToHaveCountAsync(5);
        Assert.Equal(Expected(Enumerable.Range(0, 5).Reverse()), await NamesAsync());
        await Expect(Page.GetByTestId("filter-name")).ToHaveValueAsync(prefix);
        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1")
        {
            await OpenAsync($"?name={prefix}");
            await Expect(Rows).ToHaveCountAsync(25);
            await Page.ScreenshotAsync(new() { Path = Path.Combine(Repository.Root, "docs", "images", "clusters-list.png") });
        }

        // 50 a page: from the first page again
        await Page.Locator(".mud-table-pagination-select").ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = "50", Exact = true }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("[?&]size=50(&|$)"));
        await Expect(Rows).ToHaveCountAsync(30);
        Assert.DoesNotContain("page=", Page.Url, StringComparison.Ordinal);

        // sort by name: ascending, then descending, each from the first page
        var nameHeader = Page.Locator("th.col-name .sortable-column-header");
        await OpenAsync($"?name={prefix}");
        await nameHeader.ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("[?&]sort=name(&|$)"));
        await Expect(Rows.First.Locator("td.col-name")).ToHaveTextAsync($"{prefix}-00");
        Assert.Equal(Expected(Enumerable.Range(0, 25)), await NamesAsync());
        await nameHeader.ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("[?&]sort=name-desc(&|$)"));
        await Expect(Rows.First.Locator("td.col-name")).ToHaveTextAsync($"{prefix}-29");
        Assert.Equal(Expected(Enumerable.Range(5, 25).Reverse()), await NamesAsync());

        // network: exact, any case; with the provider chosen too, a link to the network's address map
        await OpenAsync();
        await Page.GetByTestId("filter-network").FillAsync($"  {Network.ToUpperInvariant()} ");
        await Expect(Page).ToHaveURLAsync(new Regex($"[?&]network=")); // the filter took effect
        await Expect(Table).ToHaveAttributeAsync("data-total", "30");
        await Expect(Rows).ToHaveCountAsync(25);
        Assert.All(await NamesAsync(), n => Assert.StartsWith(prefix, n, StringComparison.Ordinal));
        await Expect(Rows.GetByTestId("cluster-network").First).ToHaveAttributeAsync("href", new Regex($"^/networks/BareOS/{Network}$", RegexOptions.IgnoreCase));
        await Expect(Page.GetByTestId("filter-network-map")).ToHaveCountAsync(0);
        await OpenAsync($"?provider=BareOS&network={Network}&size=50");
        await Expect(Rows).ToHaveCountAsync(30);
        await Expect(Page.GetByTestId("filter-network-map")).ToHaveAttributeAsync("href", $"/networks/BareOS/{Network}");
        await Expect(Page.GetByTestId("filter-network-map")).ToHaveTextAsync($"Address map of {Network}");
        await OpenAsync($"?provider=AWS&network={Network}");
        await Expect(Table).ToHaveAttributeAsync("data-total", "0");
        await Expect(Page.GetByTestId("clusters-none-match")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("clusters-empty")).ToHaveCountAsync(0); // a filter that matches nothing is not an empty fleet
    }

    [Fact]
    public async Task ClustersList_filters_by_the_newest_jobs_state_and_links_each_row()
    {
        var id = (await CreateAsync(1)).Single();
        await Page.GotoAsync(new Uri(fixture.App.BaseUrl, $"clusters/{id}").ToString());
        await Expect(Page.GetByTestId("job-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = Waits.JobFinished });

        await OpenAsync($"?name={prefix}&state=succeeded");
        var row = Rows.Filter(new() { HasText = $"{prefix}-00" });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.GetByTestId("cluster-state")).ToHaveAttributeAsync("data-state", "Succeeded");
        await Expect(row.GetByTestId("cluster-state")).ToHaveTextAsync("Succeeded");
        await Expect(row.GetByTestId("cluster-duplicate")).ToHaveAttributeAsync("href", $"/clusters/{id}/duplicate");
        await Expect(row.Locator("td.col-name a")).ToHaveAttributeAsync("href", $"/clusters/{id}");
        await Expect(Page).ToHaveURLAsync(new Regex("[?&]state=Succeeded(&|$)")); // normalized

        await OpenAsync($"?name={prefix}&state=Ready"); // a link from when the chip said Ready still filters
        await Expect(Rows.Filter(new() { HasText = $"{prefix}-00" })).ToHaveCountAsync(1);
        await Expect(Page).ToHaveURLAsync(new Regex("[?&]state=Succeeded(&|$)"));

        await OpenAsync($"?name={prefix}&state=Failed");
        await Expect(Table).ToHaveAttributeAsync("data-total", "0");
        await Expect(Rows).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task ClustersList_ignores_a_query_string_it_cannot_read_and_shows_the_last_page_for_one_past_it()
    {
        await CreateAsync(27);
        var errors = new List<string>();
        Page.PageError += (_, e) => errors.Add(e);

        await OpenAsync($"?name={prefix}&state=Bogus&page=-3&size=7&sort=zzz-desc&provider=Nowhere");
        await Expect(Table).ToHaveAttributeAsync("data-total", "27");
        await Expect(Rows).ToHaveCountAsync(25);
        Assert.Equal(Expected(Enumerable.Range(2, 25).Reverse()), await NamesAsync());
        await Expect(Page).ToHaveURLAsync(new Regex($"/clusters\\?name={prefix}$")); // what it could not read is gone

        await OpenAsync($"?name={prefix}&page=999999999999&sort=name");
        await Expect(Rows).ToHaveCountAsync(25);
        await Expect(Rows.First.Locator("td.col-name")).ToHaveTextAsync($"{prefix}-00");
        await OpenAsync($"?name={prefix}&page=40&sort=name");
        await Expect(Page).ToHaveURLAsync(new Regex("[?&]page=2(&|$)"));
        await Expect(Rows).ToHaveCountAsync(2);
        Assert.Equal(Expected([25, 26]), await NamesAsync());
        await Expect(Page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        Assert.Empty(errors);
    }
}
