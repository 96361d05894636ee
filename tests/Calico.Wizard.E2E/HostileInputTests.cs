using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Calico.Wizard.Core.Input;

namespace Calico.Wizard.E2E;

/// <summary>
/// The API's and the browser's half of the hostile-input suite (issue "Hardening"), against the running app: each
/// finding answers with a clear refusal — its status, a ProblemDetails body that says why — and stores nothing.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class HostileInputTests(BrowserFixture fixture)
{
    private HttpClient Api() => new() { BaseAddress = fixture.App.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };

    private static object Draft(Guid id, string name, string containers = "10.60.0.0/16", object? policies = null) => new
    {
        id, name, provider = "BareOS", machineKind = "Virtual", l2Network = $"rack-{name}", plannedNodes = "3", networkStack = "IPv4",
        containersCidr = containers, servicesCidr = "10.61.0.0/16", backend = "Calico", ipInIpMode = "Always", natOutgoing = true,
        blockSize = "26", mtu = "1440", underlayMtu = "1500", interfaceDetection = "FirstFound", networkPolicies = policies ?? Array.Empty<string>(),
    };

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement;
    }

    private async Task AssertNothingStoredAsync(HttpClient http, Guid draftId) =>
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"api/drafts/{draftId}/spec.yaml")).StatusCode);

    [Fact]
    public async Task An_alias_bomb_is_refused_at_once_with_its_line_and_nothing_is_stored()
    {
        using var http = Api();
        var id = Guid.NewGuid();
        var clock = Stopwatch.StartNew();

        var response = await http.PostAsJsonAsync("api/clusters", Draft(id, "bomb", policies: new[] { HostileYaml.AliasBomb(7) }));

        clock.Stop();
        var problem = await ProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("YAML anchors are not accepted (&l0 on line 9)", problem.GetProperty("errors").GetProperty("NetworkPolicies[0]")[0].GetString());
        await AssertNothingStoredAsync(http, id);
        // a normal submission is not held up behind it (before the fix: 27 s and +0.9 GB for the bomb)
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("api/clusters", Draft(Guid.NewGuid(), WizardDriver.UniqueName("after-bomb"), "10.62.0.0/16"))).StatusCode);
        Console.WriteLine($"alias bomb refused in {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task A_request_for_another_host_name_is_refused_dns_rebinding_reads_and_writes_nothing()
    {
        using var http = Api();
        var post = new HttpRequestMessage(HttpMethod.Post, "api/clusters") { Content = JsonContent.Create(Draft(Guid.NewGuid(), "rebind")) };
        post.Headers.Host = $"attacker-rebind.example:{fixture.App.BaseUrl.Port}";
        post.Headers.Add("Origin", $"http://attacker-rebind.example:{fixture.App.BaseUrl.Port}");
        var read = new HttpRequestMessage(HttpMethod.Get, $"api/drafts/{Guid.NewGuid()}/spec.yaml");
        read.Headers.Host = "attacker-rebind.example";

        Assert.Equal("Unknown host", (await ProblemAsync(await http.SendAsync(post), HttpStatusCode.BadRequest)).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(read)).StatusCode);

        var probe = new HttpRequestMessage(HttpMethod.Get, "healthz");
        probe.Headers.Host = "10.1.2.3"; // a kubelet probes by pod IP
        Assert.Equal("Healthy", await (await http.SendAsync(probe)).Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Origin", "http://evil.example")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    public async Task A_state_change_from_another_sites_page_is_refused(string header, string value)
    {
        using var http = Api();
        var id = Guid.NewGuid();
        var post = new HttpRequestMessage(HttpMethod.Post, "api/clusters") { Content = JsonContent.Create(Draft(id, WizardDriver.UniqueName("csrf"))) };
        post.Headers.Add(header, value);

        Assert.Equal("Cross-origin request refused", (await ProblemAsync(await http.SendAsync(post), HttpStatusCode.Forbidden)).GetProperty("title").GetString());
        await AssertNothingStoredAsync(http, id);
    }

    [Fact]
    public async Task A_draft_id_already_used_with_another_body_is_a_conflict_naming_what_differs()
    {
        using var http = Api();
        var id = Guid.NewGuid();
        var name = WizardDriver.UniqueName("idem");
        var first = await http.PostAsJsonAsync("api/clusters", Draft(id, name, "10.63.0.0/16"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var clusterId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clusterId").GetGuid();

        var again = await http.PostAsJsonAsync("api/clusters", Draft(id, name, "10.63.0.0/16"));
        var other = await http.PostAsJsonAsync("api/clusters", Draft(id, name + "-x", "10.64.0.0/16"));

        Assert.Equal(clusterId, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clusterId").GetGuid()); // a replay: the same cluster
        var conflict = await ProblemAsync(other, HttpStatusCode.Conflict);
        Assert.Contains("different Cluster name, L2 network, Containers CIDR", conflict.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_empty_guid_is_nobodys_draft()
    {
        using var http = Api();
        var problem = await ProblemAsync(await http.PostAsJsonAsync("api/clusters", Draft(Guid.Empty, "zero")), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("the empty GUID is nobody's draft", problem.GetProperty("errors").GetProperty("id")[0].GetString());
    }

    [Fact]
    public async Task An_unknown_key_is_refused_by_its_name_not_provisioned_with_the_default()
    {
        using var http = Api();
        var body = JsonSerializer.Serialize(Draft(Guid.NewGuid(), "typo")).Replace("\"containersCidr\"", "\"containerCidr\"");

        var problem = await ProblemAsync(await http.PostAsync("api/clusters", new StringContent(body, Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);

        Assert.StartsWith("Unknown key 'containerCidr': the keys are id, name,", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("null", "Must be a list of policies")]
    [InlineData("51", "At most 50 network policies per cluster (this has 51)")]
    public async Task Policy_lists_are_bounded_and_never_null(string policies, string fragment)
    {
        using var http = Api();
        object? list = policies == "null" ? null : Enumerable.Repeat("x", 51).ToArray();
        var body = JsonSerializer.Serialize(Draft(Guid.NewGuid(), "lists", policies: list ?? new object()))
            .Replace("\"networkPolicies\":{}", "\"networkPolicies\":null");

        var problem = await ProblemAsync(await http.PostAsync("api/clusters", new StringContent(body, Encoding.UTF8, "application/json")), HttpStatusCode.UnprocessableEntity);

        Assert.Contains(fragment, problem.GetProperty("errors").GetProperty("NetworkPolicies")[0].GetString());
    }

    [Fact]
    public async Task Oversized_and_mistyped_bodies_get_413_and_415_as_problem_details()
    {
        using var http = Api();
        var huge = new HttpRequestMessage(HttpMethod.Post, "api/clusters")
        {
            Content = new StringContent("{\"name\":\"" + new string('a', InputLimits.MaxRequestBytes + 1) + "\"}", Encoding.UTF8, "application/json"),
        };
        huge.Headers.ExpectContinue = true; // the server answers before the body is sent, as a careful client lets it

        Assert.Equal("The draft is too large", (await ProblemAsync(await http.SendAsync(huge), HttpStatusCode.RequestEntityTooLarge)).GetProperty("title").GetString());
        Assert.Equal("Send the draft as JSON", (await ProblemAsync(await http.PostAsync("api/clusters", new StringContent("name: x", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType)).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("api/clusters/not-a-guid")).StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.0/16", "loopback")]
    [InlineData("224.0.0.0/16", "multicast")]
    [InlineData("169.254.0.0/16", "link-local")]
    public async Task Special_purpose_ranges_are_refused(string containers, string why)
    {
        using var http = Api();
        var problem = await ProblemAsync(await http.PostAsJsonAsync("api/clusters", Draft(Guid.NewGuid(), WizardDriver.UniqueName("special"), containers)), HttpStatusCode.UnprocessableEntity);
        Assert.Contains(why, problem.GetProperty("errors").GetProperty("ContainersCidr")[0].GetString());
    }

    [Fact]
    public async Task Opening_the_wizard_fifty_times_stores_no_draft()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.App.BaseUrl };
        var issued = new HashSet<string>();
        for (var i = 0; i < 50; i++)
        {
            var location = (await http.GetAsync("/")).Headers.Location!.ToString();
            issued.Add(location);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(location)).StatusCode);
            await AssertNothingStoredAsync(http, Guid.Parse(new Uri(fixture.App.BaseUrl, location).Segments[2].TrimEnd('/')));
        }
        Assert.Equal(50, issued.Count); // every visit is issued a new id by the server
    }

    [Fact]
    public async Task Pages_carry_a_content_security_policy_and_send_no_referrer()
    {
        using var http = Api();
        var page = await http.GetAsync($"wizard/{Guid.NewGuid()}");

        var policies = page.Headers.GetValues("Content-Security-Policy").ToArray();
        Assert.Contains(policies, p => p.StartsWith("default-src 'self'; script-src 'self';", StringComparison.Ordinal));
        Assert.Contains(policies, p => p.StartsWith("frame-ancestors 'self'", StringComparison.Ordinal));
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task Another_sites_page_in_chromium_cannot_create_a_cluster()
    {
        await using var portal = await PortalHost.StartAsync();
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(portal.PortalUrl(fixture.App.BaseUrl, "/embed"));
        var id = Guid.NewGuid();

        // a form-like cross-site POST (no-cors: the page cannot read the answer, but the request is sent and the browser sees it)
        var response = await page.RunAndWaitForResponseAsync(() => page.EvaluateAsync("""
            ([url, body]) => fetch(url, { method: 'POST', mode: 'no-cors', body, headers: { 'Content-Type': 'application/json' } }).catch(() => null)
            """, new object[] { new Uri(fixture.App.BaseUrl, "api/clusters").ToString(), JsonSerializer.Serialize(Draft(id, WizardDriver.UniqueName("xsite"))) }),
            r => r.Url.EndsWith("/api/clusters", StringComparison.Ordinal));

        Assert.Equal(403, response.Status); // the guard, not the content type: the body was JSON
        using var http = Api();
        await AssertNothingStoredAsync(http, id);
    }
}
