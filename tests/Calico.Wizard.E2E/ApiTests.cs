using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Calico.Wizard.E2E;

/// <summary>
/// The API for automation against the running app: the job actions the cluster page's buttons perform (with their
/// audit trail), the paged list, the reference page in Chromium, and the curl script docs/automation.md gives.
/// Jobs here run on an app of their own whose dry-run steps take 2 s each, so a job can be caught running.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiTests(BrowserFixture fixture) : IAsyncLifetime
{
    private WizardApp slow = default!;

    public async Task InitializeAsync() => slow = await WizardApp.StartAsync(null, "--Provisioning:DryRunStepDelay=00:00:02");
    public async Task DisposeAsync() => await slow.DisposeAsync();

    private static HttpClient Api(Uri baseUrl) => new() { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };

    private static object Draft(string name, int n) => new
    {
        name, provider = "BareOS", machineKind = "Virtual", l2Network = $"net-{name}", plannedNodes = "3", networkStack = "IPv4",
        containersCidr = $"10.{120 + n}.0.0/16", servicesCidr = $"172.21.{n}.0/24", backend = "Calico", ipInIpMode = "Always", natOutgoing = true,
        blockSize = "26", mtu = "1440", underlayMtu = "1500", interfaceDetection = "FirstFound",
    };

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status, string mediaType = "application/json")
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<Guid> CreateAsync(HttpClient http, string name, int n) =>
        (await JsonAsync(await http.PostAsJsonAsync("api/clusters", Draft(name, n)), HttpStatusCode.Created)).GetProperty("clusterId").GetGuid();

    private static async Task<JsonElement> ClusterAsync(HttpClient http, Guid id) => await JsonAsync(await http.GetAsync($"api/clusters/{id}"), HttpStatusCode.OK);

    /// <summary>Polls the cluster until its newest job is in one of <paramref name="states"/> (a condition, with a generous ceiling).</summary>
    private static async Task<JsonElement> WaitForJobAsync(HttpClient http, Guid id, params string[] states)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var cluster = await ClusterAsync(http, id);
            var state = cluster.GetProperty("job").GetProperty("state").GetString();
            if (states.Contains(state)) return cluster;
            Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(Waits.JobFinished), $"job still {state}, waited for {string.Join("/", states)}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Cancel_retry_and_run_again_act_on_the_newest_job_refuse_what_does_not_apply_and_are_audited()
    {
        using var http = Api(slow.BaseUrl);
        var id = await CreateAsync(http, WizardDriver.UniqueName("api-actions"), 1);

        var running = await WaitForJobAsync(http, id, "Running");
        var firstJob = running.GetProperty("job").GetProperty("id").GetGuid();
        var retryTooSoon = await JsonAsync(await http.PostAsync($"api/clusters/{id}/retry", null), HttpStatusCode.Conflict, "application/problem+json");
        Assert.Contains("the newest job is Running", retryTooSoon.GetProperty("detail").GetString());

        var cancelled = await JsonAsync(await http.PostAsync($"api/clusters/{id}/cancel", null), HttpStatusCode.Accepted);
        Assert.Equal(firstJob, cancelled.GetProperty("jobId").GetGuid());
        await WaitForJobAsync(http, id, "Cancelled");
        var cancelAgain = await JsonAsync(await http.PostAsync($"api/clusters/{id}/cancel", null), HttpStatusCode.Conflict, "application/problem+json");
        Assert.Equal("Nothing to cancel", cancelAgain.GetProperty("title").GetString());

        var retried = await JsonAsync(await http.PostAsync($"api/clusters/{id}/retry", null), HttpStatusCode.Accepted);
        Assert.Equal(firstJob, retried.GetProperty("jobId").GetGuid());
        Assert.Equal("Pending", retried.GetProperty("state").GetString());
        await WaitForJobAsync(http, id, "Succeeded");

        var again = await JsonAsync(await http.PostAsync($"api/clusters/{id}/run-again", null), HttpStatusCode.Accepted);
        var secondJob = again.GetProperty("jobId").GetGuid();
        Assert.NotEqual(firstJob, secondJob);
        var twice = await JsonAsync(await http.PostAsync($"api/clusters/{id}/run-again", null), HttpStatusCode.Conflict, "application/problem+json");
        Assert.Contains("has finished", twice.GetProperty("detail").GetString());
        var done = await WaitForJobAsync(http, id, "Succeeded");
        Assert.Equal(secondJob, done.GetProperty("job").GetProperty("id").GetGuid());

        // the same audit trail the cluster page shows, in order, under the caller's name
        var audit = done.GetProperty("audit").EnumerateArray().Select(a => (Action: a.GetProperty("action").GetString(), Actor: a.GetProperty("actor").GetString())).ToArray();
        Assert.Equal(new[] { "Submitted", "Cancelled", "Retried", "RunAgain" }, audit.Select(a => a.Action!).Where(a => a != "DraftCreated").ToArray());
        Assert.All(audit, a => Assert.Equal("anonymous (loopback)", a.Actor));

        // the cluster page says the same
        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(slow.BaseUrl, $"clusters/{id}").ToString());
        await Expect(page.GetByTestId("audit")).ToContainTextAsync("Cancelled", new() { Timeout = Waits.Expect });
        await Expect(page.GetByTestId("audit")).ToContainTextAsync("Retried", new() { Timeout = Waits.Expect });
        await page.CloseAsync();
    }

    [Fact]
    public async Task Job_actions_answer_problem_details_for_an_unknown_cluster_and_refuse_another_sites_page()
    {
        using var http = Api(slow.BaseUrl);
        var unknown = await JsonAsync(await http.PostAsync($"api/clusters/{Guid.NewGuid()}/retry", null), HttpStatusCode.NotFound, "application/problem+json");
        Assert.Contains("GET /api/clusters lists them", unknown.GetProperty("detail").GetString());

        var id = await CreateAsync(http, WizardDriver.UniqueName("api-xsite"), 2);
        var forged = new HttpRequestMessage(HttpMethod.Post, $"api/clusters/{id}/cancel");
        forged.Headers.Add("Origin", "https://evil.example");
        forged.Headers.Add("Sec-Fetch-Site", "cross-site");
        await JsonAsync(await http.SendAsync(forged), HttpStatusCode.Forbidden, "application/problem+json");
        var cluster = await ClusterAsync(http, id);
        Assert.DoesNotContain(cluster.GetProperty("audit").EnumerateArray(), a => a.GetProperty("action").GetString() == "Cancelled");
    }

    [Fact]
    public async Task A_draft_of_the_last_release_is_read_and_a_key_that_does_not_apply_comes_back_as_a_warning()
    {
        using var http = Api(slow.BaseUrl);
        // Draft() speaks the last release's keys (ipInIpMode, underlayMtu, interfaceDetection): read as the fields they became
        var flannel = new Dictionary<string, object?>(
            System.Text.Json.JsonSerializer.SerializeToElement(Draft(WizardDriver.UniqueName("api-ign"), 40)).EnumerateObject().Select(p => KeyValuePair.Create(p.Name, (object?)p.Value)))
        { ["backend"] = "Flannel", ["dataplane"] = "Bpf" };
        var created = await JsonAsync(await http.PostAsJsonAsync("api/clusters", flannel), HttpStatusCode.Created);
        var warning = Assert.Single(created.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("field").GetString() == "dataplane");
        Assert.Equal("Dataplane (Bpf) is ignored: it applies only to Calico, and the backend is Flannel.", warning.GetProperty("message").GetString());
    }

    [Fact]
    public async Task The_list_pages_and_filters_on_the_server_and_names_a_query_it_cannot_read()
    {
        using var http = Api(fixture.App.BaseUrl);
        var prefix = "apil" + Guid.NewGuid().ToString("N")[..8];
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++) ids.Add(await CreateAsync(http, $"{prefix}-{i}", 30 + i));

        var first = await JsonAsync(await http.GetAsync($"api/clusters?name={prefix.ToUpperInvariant()}&take=2&sort=name&order=asc"), HttpStatusCode.OK);
        Assert.Equal(3, first.GetProperty("total").GetInt32());
        Assert.Equal(new[] { $"{prefix}-0", $"{prefix}-1" }, first.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("name").GetString()!).ToArray());
        var next = first.GetProperty("next").GetString()!;
        Assert.Contains("skip=2", next);
        var second = await JsonAsync(await http.GetAsync(next.TrimStart('/')), HttpStatusCode.OK);
        Assert.Equal(new[] { $"{prefix}-2" }, second.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("name").GetString()!).ToArray());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);

        foreach (var id in ids) await WaitForJobAsync(http, id, "Succeeded");
        var ready = await JsonAsync(await http.GetAsync($"api/clusters?name={prefix}&state=Ready"), HttpStatusCode.OK);
        Assert.Equal(3, ready.GetProperty("total").GetInt32());
        Assert.All(ready.GetProperty("items").EnumerateArray(), r => Assert.Equal("Succeeded", r.GetProperty("state").GetString()));
        Assert.Equal(0, (await JsonAsync(await http.GetAsync($"api/clusters?name={prefix}&state=failed"), HttpStatusCode.OK)).GetProperty("total").GetInt32());

        foreach (var (query, key, says) in new[]
        {
            ("state=Done", "state", "state must be one of Pending, Running, Succeeded, Failed, Cancelled"),
            ("take=0", "take", "0 is out of range: enter 1 to 100"),
            ("take=1&take=2", "take", "take is given more than once"),
            ("sort=size", "sort", "sort must be created, name, provider, network or state"),
            ("nmae=x", "nmae", "Unknown query key: the keys are name, provider"),
        })
        {
            var problem = await JsonAsync(await http.GetAsync($"api/clusters?{query}"), HttpStatusCode.BadRequest, "application/problem+json");
            Assert.Contains(says, problem.GetProperty("errors").GetProperty(key)[0].GetString());
        }
    }

    [Fact]
    public async Task The_reference_page_shows_every_operation_under_the_apps_own_content_policy()
    {
        var page = await fixture.Browser.NewPageAsync();
        var refused = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") lock (refused) refused.Add(m.Text); };
        page.PageError += (_, e) => { lock (refused) refused.Add(e); };
        var requests = new List<string>();
        page.Request += (_, r) => { lock (requests) requests.Add(r.Url); };

        await page.GotoAsync(new Uri(fixture.App.BaseUrl, "api/docs").ToString());
        foreach (var summary in new[] { "Create a cluster from a draft", "List clusters, paged and filtered", "Retry a failed or cancelled job",
                                        "Cancel a queued or running job", "Apply a cluster's spec again as a new job", "A network's address map" })
            await Expect(page.GetByText(summary).First).ToBeVisibleAsync(new() { Timeout = Waits.Expect });

        lock (refused) Assert.Empty(refused);
        // everything the page loaded came from the app itself (no CDN, fonts or telemetry elsewhere)
        lock (requests) Assert.All(requests, url => Assert.StartsWith(fixture.App.BaseUrl.GetLeftPart(UriPartial.Authority), url));
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_curl_runnerin_the_docs_creates_watches_and_retries_a_cluster_to_ready()
    {
        var markdown = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "automation.md"));
        var block = markdown[markdown.IndexOf("<!-- create-watch-retry.sh: begin -->", StringComparison.Ordinal)..markdown.IndexOf("<!-- create-watch-retry.sh: end -->", StringComparison.Ordinal)];
        var script = block[(block.IndexOf("```sh\n", StringComparison.Ordinal) + 6)..block.LastIndexOf("```", StringComparison.Ordinal)];
        var dir = Directory.CreateTempSubdirectory("calico-wizard-curl-");
        try
        {
            var name = WizardDriver.UniqueName("curl");
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "create-watch-retry.sh"), script);
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "draft.json"), JsonSerializer.Serialize(Draft(name, 3)));
            var info = new ProcessStartInfo("sh", ["create-watch-retry.sh", "draft.json"])
            {
                WorkingDirectory = dir.FullName, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                Environment = { ["WIZARD"] = slow.BaseUrl.ToString().TrimEnd('/') },
            };
            using var runner = Process.Start(info)!;
            var output = new StringBuilder();
            var created = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
            runner.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (output) output.AppendLine(e.Data);
                if (e.Data.StartsWith("created cluster ", StringComparison.Ordinal)) created.TrySetResult(Guid.Parse(e.Data[16..]));
            };
            runner.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine("stderr: " + e.Data); };
            runner.BeginOutputReadLine();
            runner.BeginErrorReadLine();

            // an operator cancels the job while the script watches: the script must see it and retry
            using var http = Api(slow.BaseUrl);
            var id = await created.Task.WaitAsync(Waits.Message);
            await WaitForJobAsync(http, id, "Running");
            await JsonAsync(await http.PostAsync($"api/clusters/{id}/cancel", null), HttpStatusCode.Accepted);

            using var ceiling = new CancellationTokenSource(TimeSpan.FromMilliseconds(Waits.JobFinished * 2));
            await runner.WaitForExitAsync(ceiling.Token);
            var text = output.ToString();
            Assert.True(runner.ExitCode == 0, $"exit {runner.ExitCode}:\n{text}");
            Assert.Contains("job: Cancelled", text);
            Assert.Contains("attempt 1 ended Cancelled: retrying", text);
            Assert.Contains($"cluster {id}: job Succeeded", text);
            var audit = (await ClusterAsync(http, id)).GetProperty("audit").EnumerateArray().Select(a => a.GetProperty("action").GetString()).ToArray();
            Assert.Contains("Retried", audit);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
