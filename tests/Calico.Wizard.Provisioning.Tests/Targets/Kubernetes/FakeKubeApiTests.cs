using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>
/// The fake refuses what a real API server refuses, so a target that stopped sending a proper server-side apply
/// would fail the end-to-end tests instead of passing against a lenient fake.
/// </summary>
public sealed class FakeKubeApiTests
{
    private const string ConfigMapPath = "/api/v1/namespaces/default/configmaps/probe";

    private static async Task<(FakeKubeApi Api, HttpClient Http)> StartAsync()
    {
        var api = await FakeKubeApi.StartAsync();
        var http = new HttpClient { BaseAddress = api.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.Token);
        return (api, http);
    }

    private static HttpRequestMessage Apply(string query, string contentType, string data = "a") =>
        new(HttpMethod.Patch, ConfigMapPath + query)
        {
            Content = new StringContent(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject { ["name"] = "probe" },
                ["data"] = new JsonObject { ["k"] = data },
            }.ToJsonString(), Encoding.UTF8, contentType),
        };

    [Theory]
    [InlineData("application/merge-patch+json")]
    [InlineData("application/json")]
    [InlineData("application/strategic-merge-patch+json")]
    public async Task An_apply_with_another_content_type_should_be_rejected_with_415_and_store_nothing(string contentType)
    {
        var (api, http) = await StartAsync();
        await using var _ = api;
        using var __ = http;

        using var response = await http.SendAsync(Apply("?fieldManager=m&force=true", contentType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Null(api.Get(ConfigMapPath));
    }

    [Fact]
    public async Task An_apply_without_field_manager_should_be_rejected_with_422_and_store_nothing()
    {
        var (api, http) = await StartAsync();
        await using var _ = api;
        using var __ = http;

        using var response = await http.SendAsync(Apply("?force=true", FakeKubeApi.ApplyPatchContentType));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("fieldManager: Required value", await response.Content.ReadAsStringAsync());
        Assert.Null(api.Get(ConfigMapPath));
    }

    [Fact]
    public async Task An_identical_apply_should_keep_the_resource_version_and_a_changed_one_bump_it()
    {
        var (api, http) = await StartAsync();
        await using var _ = api;
        using var __ = http;

        async Task<(HttpStatusCode, string)> ApplyAsync(string data)
        {
            using var response = await http.SendAsync(Apply("?fieldManager=m&force=true", FakeKubeApi.ApplyPatchContentType, data));
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            return (response.StatusCode, body["metadata"]!["resourceVersion"]!.GetValue<string>());
        }

        var (created, v1) = await ApplyAsync("a");
        var (same, v2) = await ApplyAsync("a");
        var (changed, v3) = await ApplyAsync("b");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK), (created, same, changed));
        Assert.Equal(v1, v2);
        Assert.NotEqual(v2, v3);
        Assert.Equal("b", api.Get(ConfigMapPath)!["data"]!["k"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_custom_resource_apply_before_its_crd_is_established_should_be_404()
    {
        var (api, http) = await StartAsync();
        await using var _ = api;
        using var __ = http;
        api.OperatorInstalled = false;

        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Patch, FakeKubeApi.InstallationPath + "?fieldManager=m")
        {
            Content = new StringContent("""{"apiVersion":"operator.tigera.io/v1","kind":"Installation","metadata":{"name":"default"}}""",
                Encoding.UTF8, FakeKubeApi.ApplyPatchContentType),
        });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(api.Get(FakeKubeApi.InstallationPath));
    }

    [Fact]
    public async Task A_request_without_the_token_should_be_401()
    {
        var (api, http) = await StartAsync();
        await using var _ = api;
        using var __ = http;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");

        using var response = await http.GetAsync("/version");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
